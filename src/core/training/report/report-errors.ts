/** A failed sanity-train's headline and the advice under it, by the worker's failure reason. */

/** A short title per failure reason; unknown reasons still read sensibly. */
export function errorHeadline(reason: string): string {
  const headlines: Record<string, string> = {
    threw: 'The model factory threw',
    notAModel: 'The factory did not return a tfjs model',
    noFactory: 'No model factory found',
    timeout: 'Sanity-train ran out of time',
    badInput: 'Sanity-train could not read its input',
    cancelled: 'Sanity-train was cancelled',
    memory: 'The training process ran out of memory',
    crashed: 'The training process crashed',
    internal: 'Sanity-train hit an internal error',
  };
  return headlines[reason] ?? 'Sanity-train failed';
}

/**
 * What the user can do about a failure, when there is something to say; a module that could not be
 * found gets the install command, whatever the reason.
 */
export function errorHint(reason: string, message = ''): string | undefined {
  const missing = /Cannot find module '([^']+)'/.exec(message)?.[1];
  // The worker's own hint (failure-hints.ts) already names the install command.
  if (/\b(npm|pnpm|yarn|bun) (install|add)\b/.test(message)) {
    return reason === 'threw' ? 'The stack trace is in the log (Show Log).' : undefined;
  }
  if (missing && !missing.startsWith('.') && !missing.startsWith('/')) {
    const name = missing.startsWith('@') ? missing.split('/').slice(0, 2).join('/') : missing.split('/')[0];
    return `Your model imports ${name}, which your workspace does not have: install it (npm install ${name}) and run again.`;
  }
  // One example does not fit: a smaller batch cannot help, a larger cap or a smaller model can.
  if (reason === 'memory' && /even at batch size 1\b/.test(message)) {
    return 'Raise the memory cap (setting runningBatchNorm.sanity.maxMemoryMb), or give the model a smaller input.';
  }
  const hints: Record<string, string> = {
    threw: 'The stack trace is in the log (Show Log).',
    notAModel: 'A model factory must return a tf.LayersModel, e.g. from tf.sequential(), tf.model() or tf.loadLayersModel().',
    noFactory: 'A model builder is a function, method, class or constructor that returns a tfjs model (tf.sequential(), tf.model(), tf.loadLayersModel()) or assigns one to this.<name>.',
    memory: 'Lower the batch size, or raise the memory cap (setting runningBatchNorm.sanity.maxMemoryMb).',
    crashed: 'The training process ended without a report; its last output is in the log (Show Log).',
    timeout: 'A factory that never returns, or a slow backend, ends here. Raise the time budget (setting runningBatchNorm.sanity.timeBudgetSeconds) or lower the steps.',
  };
  return hints[reason];
}
