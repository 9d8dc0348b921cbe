/**
 * A function that builds a model and uses it without returning it or storing it where sanity-train
 * looks (a smoke test that builds, predicts, disposes and returns `true`; a `main()` that builds and
 * summarises): the models it compiles, adds layers to, summarises or runs during the call are noted,
 * and their dispose() does nothing until the call ends, so the last of them (the last with a
 * BatchNorm layer, where one has) can still be trained, with a note saying so. Models it only makes
 * (`tf.model(…)`, `tf.sequential(…)`), kept in a closure it returns (`{ run, optimize }`), are noted too,
 * as the last resort.
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
  /** The same of the models the call made with tf.model() or tf.sequential(), used or not. */
  lastMade(): tfjs.LayersModel | undefined;
  /** How many models the call made. */
  countMade(): number;
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
  const made: tfjs.LayersModel[] = [];
  const restoreFactories = watchFactories(tf, (model) => {
    holdDispose(model);
    made.push(model);
  });
  return {
    last: () => lastOf(used),
    count: () => used.length,
    lastMade: () => lastOf(made),
    countMade: () => made.length,
    restore: () => {
      for (const [proto, name, original] of originals) {
        proto[name] = original;
      }
      restoreFactories();
      used.forEach(releaseDispose);
      made.forEach(releaseDispose);
    },
  };
}

function lastOf(models: tfjs.LayersModel[]): tfjs.LayersModel | undefined {
  return [...models].reverse().find(hasBatchNorm) ?? models.at(-1);
}

/** The factories a builder makes models with. */
const FACTORIES = ['model', 'sequential'];

/**
 * Until the returned function runs, every model `tf.model`/`tf.sequential` makes goes to `onMade`. The
 * umbrella package's exports are getters that read tfjs-layers' own, so the wrappers go on the exports
 * of the loaded tfjs-layers whose LayersModel is `tf`'s (where they are writable; else nothing is noted).
 */
function watchFactories(tf: typeof tfjs, onMade: (model: tfjs.LayersModel) => void): () => void {
  // tfjs-node and the umbrella re-export them through getters: only tfjs-layers' own exports are writable.
  const isLayers = (exports: unknown) => (exports as { LayersModel?: unknown } | undefined)?.LayersModel === tf.LayersModel && Object.getOwnPropertyDescriptor(exports, 'model')?.writable === true;
  const layers = Object.values(require.cache).find((m) => isLayers(m?.exports))?.exports as Record<string, unknown> | undefined;
  if (!layers) {
    return () => undefined;
  }
  const originals = FACTORIES.map((name) => [name, layers[name]] as const).filter(([, original]) => typeof original === 'function');
  for (const [name, original] of originals) {
    layers[name] = function (this: unknown, ...args: unknown[]) {
      const model = (original as (...a: unknown[]) => tfjs.LayersModel).apply(this, args);
      onMade(model);
      return model;
    };
  }
  return () => {
    for (const [name, original] of originals) {
      layers[name] = original;
    }
  };
}

/** Whether the model has a BatchNormalization layer, nested models' included. */
export function hasBatchNorm(model: tfjs.LayersModel): boolean {
  return countNorms(model).batchNormalization > 0;
}
