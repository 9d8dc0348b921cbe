/**
 * A builder whose own body throws before it has its model (it first loads its data through a package
 * that is not installed, from a service or a file the repository does not hold, or loops over data it
 * never got) is built once more with each statement of its body run on its own
 * (guarded-builder-body.ts). A statement that made a layer before it threw is not skipped (a helper
 * that adds a block of layers, then fails): skipping it would train a different model, so the build
 * fails as before. The report's first note says what the builder threw and that its statements were
 * skipped; where the retry fails too, the builder's own error stands.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { describeError, SanityFailure } from '../errors';
import { guardBuilderBodyOf } from './module-loader';
import { wrapLayerFactories } from './layer-origins';
import { functionRangeByName, type SourceRange } from './guarded-builder-body';

interface Built {
  notes: string[];
}

interface Builder {
  id: string;
  kind: string;
  start: number;
  end: number;
}

/**
 * The retried build with its note first; undefined when `err` is neither the builder's own throw nor
 * "no model" from a builder with a `try` (whose catch may have swallowed what stopped it), or the retry fails too.
 */
export async function pastABuilderError<T extends Built>(err: unknown, module: { file: string; code: string }, builder: Builder, tf: typeof tfjs, attempt: () => Promise<T>): Promise<T | undefined> {
  const { file } = module;
  if (!(err instanceof SanityFailure) || builder.kind === 'constructor') {
    return undefined;
  }
  const threw = err.message.startsWith(`${builder.id}() threw: `);
  // A builder the analysis did not list (it returns a score, not its model) is found by its name.
  const range = builder.end > builder.start ? builder : functionRangeByName(module.code, file, builder.id);
  const swallowed = !threw && err.reason === 'notAModel' && err.message.startsWith(`${builder.id}() returned `) && range !== undefined && /\btry\s*\{/.test(module.code.slice(range.start, range.end));
  if (!range || !(threw || swallowed)) {
    return undefined;
  }
  const retried = await retryWithGuardedBody(file, range, tf, attempt);
  if (!retried) {
    return undefined;
  }
  const { result, skipped } = retried;
  const which = skipped.length > 1 ? `the ${skipped.length} statements of its body that threw` : 'the statement of its body that threw';
  const stopped = threw ? 'throws before it hands over its model' : 'kept no model: its catch swallowed what stopped it';
  const note = `${builder.id}() ${stopped}: ${describeError(skipped[0], file)}; sanity-train skipped ${which}, ran the rest and trained the model it built (what the skipped statements set was left undefined)`;
  return { ...result, notes: [note, ...result.notes] };
}

/**
 * `attempt` once more with each statement of the function at `range` run on its own; what it built and
 * the errors of the statements skipped, or undefined when nothing was skipped or the attempt failed.
 */
export async function retryWithGuardedBody<T>(file: string, range: SourceRange, tf: typeof tfjs, attempt: () => Promise<T>): Promise<{ result: T; skipped: unknown[] } | undefined> {
  let layersMade = 0;
  let layersAtStatement = 0;
  const restoreFactories = wrapLayerFactories(tf, (_key, original) =>
    function madeLayer(this: unknown, ...args: unknown[]) {
      layersMade += 1;
      return original.apply(this, args);
    },
  );
  const guard = guardBuilderBodyOf(file, range, {
    onStatement: () => {
      layersAtStatement = layersMade;
    },
    skippable: () => layersMade === layersAtStatement,
  });
  try {
    const result = await attempt();
    return guard.skipped.length === 0 ? undefined : { result, skipped: guard.skipped };
  } catch {
    return undefined;
  } finally {
    guard.restore();
    restoreFactories();
  }
}
