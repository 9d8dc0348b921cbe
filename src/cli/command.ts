/** The CLI's command contract: each command is one file under commands/ and one entry in the table. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command writes; tests pass buffers, `main` passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Folder that relative paths are resolved against. */
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One line for `rbn --help`. */
  summary: string;
  /** Full `rbn <name> --help` text. */
  help: string;
  /** Runs the command; resolves to the exit code (design.md: 0 nothing to report, 1 found something, 2 could not run). */
  run(args: string[], io: CliIo): Promise<number>;
}

/** Bad arguments: `main` prints the message and the usage line, and exits 2. */
export class CliUsageError extends Error {}

/** Exit codes (design.md). */
export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_CANNOT_RUN = 2;

/** `node:util` parseArgs with strict options, turning its errors into usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}
