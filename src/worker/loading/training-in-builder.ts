/**
 * A builder that trains the model it builds (`async function train() { const model = …; model.compile(…);
 * await model.fit(xs, ys, { epochs: 100 }); }`, a hyper-parameter search's objective that returns a
 * validation accuracy): left alone, the call would run the whole training inside the budget and hand
 * back no model. During the call its first training call throws `TrainedInBuilder`, which ends the
 * builder there, and sanity-train trains that model, compiled as the builder compiled it. Until the call
 * ends, the stopped model's dispose() does nothing: a `finally { model.dispose(); }` would free the very
 * model that is about to train.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { LoadStop } from './load-stop';
import { stopTrainingCalls } from './training-at-load';

/** Thrown by a model's training call made inside the builder's call. */
export class TrainedInBuilder extends LoadStop {
  constructor(
    readonly method: string,
    site: { file: string; line: number } | undefined,
    /** The model the builder was training, with its compile() settings. */
    readonly model: tfjs.LayersModel | undefined,
  ) {
    super(`the builder called ${method}`, site);
    this.name = 'TrainedInBuilder';
  }

  /** "train() trains the model it builds (model.fit() at train.js:40): …". */
  note(label: string): string {
    return `${label} trains the model it builds (${this.method}${this.where}): sanity-train stopped it at that call and trained that model, as the builder compiled it`;
  }

  unreachable(file: string, builderId: string): string {
    return `${builderId} in ${file} called ${this.method}${this.where} before it built a model`;
  }
}

export interface TrainingStops {
  /** The model of the builder's first training call, when it made one on a model. */
  model(): tfjs.LayersModel | undefined;
  /** The note for the report, when a training call was stopped. */
  note(label: string): string | undefined;
  /** Training calls run again, and the stopped model's dispose() with them. */
  restore(): void;
}

/** Until `restore()`, the training calls of `tf`'s models throw `TrainedInBuilder`. */
export function stopTrainingInBuilder(tf: typeof tfjs): TrainingStops {
  const stops: TrainedInBuilder[] = [];
  const kept: tfjs.LayersModel[] = [];
  const resume = stopTrainingCalls(
    tf,
    (label, site, model) => {
      if (model && !kept.includes(model)) {
        holdDispose(model);
        kept.push(model);
      }
      const stop = new TrainedInBuilder(label, site, model);
      stops.push(stop);
      return stop;
    },
    false,
  );
  return {
    model: () => stops.find((s) => s.model !== undefined)?.model,
    note: (label) => stops[0]?.note(label),
    restore: () => {
      resume();
      kept.forEach(releaseDispose);
    },
  };
}

/** Until releaseDispose(model), the model's dispose() does nothing: an own property shadows the prototype's. */
export function holdDispose(model: tfjs.LayersModel): void {
  Object.defineProperty(model, 'dispose', { value: () => ({ refCountAfterDispose: 1, numDisposedVariables: 0 }), configurable: true, writable: true });
}

export function releaseDispose(model: tfjs.LayersModel): void {
  delete (model as unknown as Record<string, unknown>).dispose;
}

export function isTrainedInBuilder(err: unknown): err is TrainedInBuilder {
  return err instanceof TrainedInBuilder;
}
