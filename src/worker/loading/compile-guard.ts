/**
 * A builder that compiles its model with a metric tfjs does not know by name (`metrics: ['recall']`:
 * tfjs-layers 4.x resolves only accuracy, precision, crossentropies, mse/mae/mape and cosine by name)
 * throws inside `compile()`, in the user's program as here. The metrics play no part in a sanity-train
 * run (it compiles with the model's own optimizer and loss only), so while the builder runs,
 * `compile()` retries without the unknown names and the report says, first, that the program's own
 * compile call throws there and what to pass instead. A call given no optimizer (`optimizer:
 * this.optimizer` before the constructor sets it) throws too; it runs with Adam, said the same way.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { firstUserFrame } from './layer-origins';

type CompileArgs = Parameters<tfjs.LayersModel['compile']>[0];

export interface CompileGuard {
  /** One line per compile call that named an unknown metric, for the report. */
  notes: string[];
  /** Puts the original `compile` back. */
  restore(): void;
}

const UNKNOWN_METRIC = /^Unknown metric (.+)$/;

/** The unknown metric's name when `err` is tfjs's "Unknown metric x". */
export function unknownMetricOf(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : undefined;
  return message === undefined ? undefined : UNKNOWN_METRIC.exec(message)?.[1];
}

/**
 * `metrics` without every string equal to `name`, in each form compile() takes: a name, a list, or
 * one name or list per output; undefined when nothing was removed.
 */
export function withoutMetric(metrics: CompileArgs['metrics'], name: string): CompileArgs['metrics'] | undefined {
  const strip = (value: unknown): { value: unknown; removed: boolean } => {
    if (value === name) {
      return { value: [], removed: true };
    }
    if (Array.isArray(value)) {
      const kept = value.filter((m) => m !== name);
      return { value: kept, removed: kept.length !== value.length };
    }
    return { value, removed: false };
  };
  if (typeof metrics === 'object' && metrics !== null && !Array.isArray(metrics)) {
    let removed = false;
    const out: Record<string, unknown> = {};
    for (const [output, value] of Object.entries(metrics)) {
      const stripped = strip(value);
      removed ||= stripped.removed;
      out[output] = stripped.value;
    }
    return removed ? (out as CompileArgs['metrics']) : undefined;
  }
  const stripped = strip(metrics);
  return stripped.removed ? (stripped.value as CompileArgs['metrics']) : undefined;
}

export function unknownMetricNote(names: string[], where: string | undefined, version: string): string {
  const quoted = names.map((n) => `'${n}'`).join(', ');
  const fns = names.filter((n) => /^[a-z]\w*$/i.test(n)).map((n) => `tf.metrics.${n}`);
  const instead = fns.length > 0 ? `; pass a metric function (e.g. ${fns.join(', ')}) where tfjs has one` : '';
  return `your model.compile()${where ? ` at ${where}` : ''} asks for the metric${names.length > 1 ? 's' : ''} ${quoted}, which tfjs ${version} does not know by name: it throws there in your program too. Trained without ${names.length > 1 ? 'them' : 'it'} (metrics do not change training)${instead}`;
}

/** For a compile() call given no optimizer: often a field read before the line that sets it. */
export function noOptimizerNote(given: string, where: string | undefined): string {
  return `your model.compile()${where ? ` at ${where}` : ''} gets optimizer ${given} (a value read before it is set?): tfjs throws there in your program too ("Cannot read properties of undefined (reading 'minimize')"). Sanity-train compiled that call with Adam (tfjs's default learning rate) and its loss, to go on`;
}

/** Wraps `LayersModel.prototype.compile` until `restore()`. */
export function guardCompile(tf: typeof tfjs): CompileGuard {
  const proto = tf.LayersModel.prototype as unknown as { compile(args: CompileArgs): void };
  const original = proto.compile;
  const notes: string[] = [];
  proto.compile = function (this: tfjs.LayersModel, args: CompileArgs) {
    const removed: string[] = [];
    const noOptimizer = args !== null && typeof args === 'object' && (args.optimizer === undefined || args.optimizer === null);
    // tfjs throws "Cannot read properties of undefined (reading 'minimize')": the run takes Adam, said so.
    let current = noOptimizer ? { ...args, optimizer: 'adam' } : args;
    for (;;) {
      try {
        original.call(this, current);
        break;
      } catch (err) {
        const name = unknownMetricOf(err);
        const metrics = name === undefined || current === undefined || current === null ? undefined : withoutMetric(current.metrics, name);
        if (name === undefined || metrics === undefined) {
          throw err;
        }
        removed.push(name);
        current = { ...current, metrics };
      }
    }
    if (removed.length > 0 || noOptimizer) {
      const site = firstUserFrame(new Error().stack ?? '', new Set([__filename]));
      const where = site && `${site.file}:${site.line}`;
      const found = [...(noOptimizer ? [noOptimizerNote(String(args.optimizer), where)] : []), ...(removed.length > 0 ? [unknownMetricNote(removed, where, tf.version_core)] : [])];
      // A builder called twice (an online and a target network) says it once.
      notes.push(...found.filter((n) => !notes.includes(n)));
    }
  };
  return {
    notes,
    restore: () => {
      proto.compile = original;
    },
  };
}
