/**
 * A function that builds a model and uses it without returning it or storing it where sanity-train
 * looks (a smoke test that builds, predicts, disposes and returns `true`; a `main()` that builds and
 * summarises): the models it compiles, adds layers to, summarises or runs during the call are noted,
 * and their dispose() does nothing until the call ends, so the last of them (the last with a
 * BatchNorm layer, where one has) can still be trained, with a note saying so.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { skipFramesOf } from './layer-origins';
import { holdDispose, releaseDispose } from './training-in-builder';
import { countNorms } from '../training/norm-swap';

// The wrappers below sit between the user's `model.add(new Layer())` and tfjs: never the user's line.
skipFramesOf(__filename);

/** What a builder does to a model it made: each marks the model as the builder's. */
const USES = ['compile', 'add', 'summary', 'countParams', 'predict', 'predictOnBatch', 'evaluate', 'execute'];

type Method = (this: tfjs.LayersModel, ...args: unknown[]) => unknown;

export interface ModelsUsed {
  /** The last model the call used that has a BatchNormalization layer, else the last it used; undefined when it used none. */
  last(): tfjs.LayersModel | undefined;
  /** How many models the call used. */
  count(): number;
  /** Methods and dispose() as they were. */
  restore(): void;
}

/** Until `restore()`, the models `tf`'s LayersModel and Sequential methods are called on are noted. */
export function watchModelsUsed(tf: typeof tfjs): ModelsUsed {
  const used: tfjs.LayersModel[] = [];
  // Sequential's methods call its inner LayersModel's: only the outermost call notes its model.
  let depth = 0;
  const originals: [Record<string, unknown>, string, unknown][] = [];
  const note = (model: tfjs.LayersModel) => {
    if (used.includes(model)) {
      used.splice(used.indexOf(model), 1);
    } else {
      holdDispose(model);
    }
    used.push(model);
  };
  for (const cls of [tf.LayersModel, tf.Sequential]) {
    const proto = cls.prototype as unknown as Record<string, unknown>;
    for (const name of USES) {
      const original = Object.prototype.hasOwnProperty.call(proto, name) ? proto[name] : undefined;
      if (typeof original !== 'function') {
        continue;
      }
      originals.push([proto, name, original]);
      proto[name] = function (this: tfjs.LayersModel, ...args: unknown[]) {
        if (depth === 0) {
          note(this);
        }
        depth++;
        try {
          return (original as Method).apply(this, args);
        } finally {
          depth--;
        }
      };
    }
  }
  return {
    last: () => [...used].reverse().find(hasBatchNorm) ?? used.at(-1),
    count: () => used.length,
    restore: () => {
      for (const [proto, name, original] of originals) {
        proto[name] = original;
      }
      used.forEach(releaseDispose);
    },
  };
}

/** Whether the model has a BatchNormalization layer, nested models' included. */
export function hasBatchNorm(model: tfjs.LayersModel): boolean {
  return countNorms(model).batchNormalization > 0;
}
