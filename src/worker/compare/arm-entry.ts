/**
 * Wires an arm worker to its parent: the scheduler's later commands (seeds, grants, abandon, finish)
 * arrive as IPC messages after `startArm`.
 */
import type { ArmCommand } from '../../core/training/compare-protocol';
import type { SessionContext, SessionLimits } from '../sanity-session';
import { runArm, type ArmSend } from './arm-session';
import { CommandQueue, GrantGate } from './grant-gate';
import { realExit } from '../exit-guard';

/** The runner the worker entry calls for a `startArm` message. */
export function startArm(start: Extract<ArmCommand, { type: 'startArm' }>, send: ArmSend): (checkLimits: () => void, context: SessionContext, limits: SessionLimits) => Promise<void> {
  const gate = new GrantGate();
  const commands = new CommandQueue();
  process.on('message', (command: ArmCommand) => commands.accept(command, gate));
  // The scheduler is gone (killed, interrupted): nobody is left to grant steps or read results.
  process.once('disconnect', () => realExit(0));
  return (checkLimits, context, limits) => runArm(start, commands, gate, send, checkLimits, context, limits);
}
