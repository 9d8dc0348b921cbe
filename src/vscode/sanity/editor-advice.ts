/**
 * The worker speaks the CLI's language ("raise it (--timeout)", "lower --batch-size"); in the editor
 * the same advice names what the user can do there: a button on the notification that runs again
 * with a larger budget or a smaller batch, the setting to change, the argument box (pure).
 */
import type { SanityRequest, SmallerInput } from '../../core/training/protocol';

/** CLI flag phrases and their editor wording, most specific first. */
const WORDING: [RegExp, string][] = [
  [/raise it \(--timeout\)/g, 'raise it (Run Again with 2× Budget)'],
  [/raise the time budget \(--timeout\)/g, 'raise the time budget (Run Again with 2× Budget)'],
  [/raise the timeout/g, 'raise the time budget (Run Again with 2× Budget)'],
  [/--timeout/g, 'the time budget (runningBatchNorm.sanity.timeBudgetSeconds)'],
  [/lower --batch-size/g, 'lower the batch size (Run Again at a Smaller Batch)'],
  [/--batch-size/g, 'the batch size (runningBatchNorm.sanity.batchSize)'],
  [/pass a smaller input shape with --args/g, 'give the builder a smaller input shape in its argument box'],
  [/halve it with --[a-z-]+ '[^']*'/g, 'halve it (Run Again with Smaller Input)'],
  [/pass --args ('[^']*')/g, 'enter $1 in the argument box'],
  [/pass --args for (the [^;)]*)/g, 'enter $1 in the argument box'],
  [/\(pass --instance-vars to set ([^)]*)\)/g, '(set $1 in the instance fields box)'],
  [/pass --ctor-args ('[^']*')/g, 'enter $1 in the constructor argument box'],
  [/with --args/g, 'in the argument box'],
  [/--ctor-args/g, 'the constructor argument box'],
  [/--module-vars/g, 'the module variables box'],
  [/--instance-vars/g, 'the instance fields box'],
  [/--data (mnist|synthetic)/g, 'the data setting $1 (runningBatchNorm.sanity.data)'],
  [/\(--backend picks another\)/g, '(the backend setting, runningBatchNorm.sanity.backend, picks another)'],
  [/--backend (\w+)/g, 'the backend setting $1 (runningBatchNorm.sanity.backend)'],
  [/--compare: /g, 'Compare: '],
  [/--steps/g, 'the steps setting (runningBatchNorm.sanity.steps)'],
  [/lower the steps/g, 'lower the steps (runningBatchNorm.sanity.steps)'],
  [/train for more steps/g, 'train for more steps (Run Again with 2× Steps)'],
];

/** The message with every CLI flag replaced by what does the same in the editor. */
export function editorAdvice(message: string): string {
  return WORDING.reduce((text, [pattern, words]) => text.replace(pattern, words), message);
}

export interface RecoveryAction {
  /** The notification button. */
  title: string;
  /** What the rerun changes in the request. */
  change: Partial<SanityRequest>;
}

/** Buttons that run the same job again with what the failure asks for: a larger budget or a smaller batch, and the input halved where the worker found where it comes from. */
export function recoveryActions(reason: string, request: SanityRequest, batchSize?: number, smallerInput?: SmallerInput): RecoveryAction[] {
  const smaller = smallerInput && (reason === 'timeout' || reason === 'memory') ? [{ title: 'Run Again with Smaller Input', change: smallerInput.change }] : [];
  if (reason === 'timeout') {
    return [{ title: 'Run Again with 2× Budget', change: { timeoutMs: request.timeoutMs * 2 } }, ...smaller];
  }
  const batch = batchSize ?? request.batchSize;
  if (reason === 'memory' && batch >= 2) {
    return [{ title: `Run Again at Batch Size ${Math.floor(batch / 2)}`, change: { batchSize: Math.floor(batch / 2) } }, ...smaller];
  }
  return smaller;
}

export interface InstallStep {
  /** `npm install` (or pnpm, yarn, bun): the project's own install, as the worker's advice names it. */
  command: string;
  /** The folder it runs in: that of the package.json that lists the missing packages. */
  cwd: string;
}

/**
 * The install a failure asks for ("… list it: run `npm install` in /repo"), for a button that runs it and
 * trains again; undefined when the advice is to add a package the project does not list (its choice).
 */
export function installStepOf(message: string): InstallStep | undefined {
  const match = /run `((?:npm|pnpm|yarn|bun) install)` in (.+?)(?=\)|;|$)/m.exec(message);
  return match ? { command: match[1], cwd: match[2].trim() } : undefined;
}
