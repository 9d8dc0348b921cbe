/** The command table: a new command is one file in this folder and one entry here. */
import type { CliCommand } from '../command';
import { convertCommand } from './convert';
import { revertCommand } from './revert';
import { sanityCommand } from './sanity';
import { scanCommand } from './scan';

export const commands: readonly CliCommand[] = [scanCommand, convertCommand, revertCommand, sanityCommand];
