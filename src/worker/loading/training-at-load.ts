/**
 * A script that trains its model when it loads (`const model = buildNet(72, 5); await model.fit(…)` at
 * the top level): loading it would run the whole training inside the budget. While the module loads,
 * training calls throw `TrainedAtLoad` at once, which ends the module's body there, as capture stops a
 * program at its fit(); the builder, a function declaration hoisted to the top of its module, is read
 * by a line at the very start of the module (module-loader.ts) and called as usual.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { firstUserFrame } from './layer-origins';
import { LoadStop } from './load-stop';
import { cloneOptimizer } from '../training/compile';

/** Thrown by a training call made while the user's module loads. */
export class TrainedAtLoad extends LoadStop {
  constructor(
    readonly method: string,
    site: { file: string; line: number } | undefined,
    /** The model the script was training, with its compile() settings. */
    readonly model?: tfjs.LayersModel,
  ) {
    super(`the module called ${method} while loading`, site);
    this.name = 'TrainedAtLoad';
  }

  /** "the module trains when it loads (model.fit() at train.ts:140): …, and built the model with buildNet() instead". */
  note(builderId: string): string {
    return `the module trains when it loads (${this.method}${this.where}): sanity-train stopped it at that call and built the model with ${builderId}() instead`;
  }

  unreachable(file: string, builderId: string): string {
    return `${file} trains when it loads (${this.method}${this.where}), and ${builderId} is not defined before that call (only a function declaration is hoisted), so it cannot be reached without running that training: put the training in a function, or behind \`if (require.main === module)\``;
  }
}

const MODEL_METHODS = ['fit', 'fitDataset', 'trainOnBatch'] as const;

/** What a patched training call throws: made from the call's label, the user's line and the model. */
export type MakeStop = (label: string, site: { file: string; line: number } | undefined, model: tfjs.LayersModel | undefined) => LoadStop;

/**
 * Until the returned function is called, the training calls of `tf`'s models (and, with `optimizers`,
 * of its optimizers) throw what `makeStop` makes.
 */
export function stopTrainingCalls(tf: typeof tfjs, makeStop: MakeStop, optimizers: boolean): () => void {
  const restores: (() => void)[] = [];
  const patch = (proto: Record<string, unknown> | undefined, method: string, label: string) => {
    if (!proto || !Object.prototype.hasOwnProperty.call(proto, method)) {
      return;
    }
    const original = proto[method];
    proto[method] = function stoppedTraining(this: unknown): never {
      const model = this instanceof tf.LayersModel ? this : undefined;
      throw makeStop(label, firstUserFrame(new Error().stack ?? '', new Set([__filename])), model);
    };
    restores.push(() => {
      proto[method] = original;
    });
  };
  for (const method of MODEL_METHODS) {
    patch(tf.LayersModel?.prototype as unknown as Record<string, unknown>, method, `model.${method}()`);
    patch(tf.Sequential?.prototype as unknown as Record<string, unknown>, method, `model.${method}()`);
  }
  if (optimizers) {
    // A custom loop's step: `optimizer.minimize(…)` goes through applyGradients.
    patch(tf.Optimizer?.prototype as unknown as Record<string, unknown>, 'applyGradients', 'optimizer.applyGradients()');
  }
  return () => restores.reverse().forEach((restore) => restore());
}

/**
 * Until the returned function is called, the training calls of `tf`'s models and optimizers throw
 * `TrainedAtLoad`; `stops` gets the first one.
 */
export function stopTrainingAtLoad(tf: typeof tfjs, stops: TrainedAtLoad[]): () => void {
  const makeStop: MakeStop = (label, site, model) => {
    const stop = new TrainedAtLoad(label, site, model);
    stops.push(stop);
    return stop;
  };
  return stopTrainingCalls(tf, makeStop, true);
}

/**
 * The script's own compile() settings for the model just built, when it compiled the model it was
 * training and the builder's model is not compiled: the optimizer (fresh state) and the loss.
 */
export function compileAsTheScript(model: tfjs.LayersModel, stop: TrainedAtLoad | undefined): string | undefined {
  const trained = stop?.model as unknown as { optimizer_?: tfjs.Optimizer; loss?: unknown } | undefined;
  const built = model as unknown as { optimizer_?: tfjs.Optimizer };
  if (!trained?.optimizer_ || trained.loss === undefined || built.optimizer_ || stop?.model === model) {
    return undefined;
  }
  try {
    model.compile({ optimizer: cloneOptimizer(trained.optimizer_), loss: trained.loss as string });
  } catch {
    // A loss per output of another shape: the session's defaults stand.
    return undefined;
  }
  return `compiled as the script compiled the model it trained when it loaded (${trained.optimizer_.getClassName()})`;
}
