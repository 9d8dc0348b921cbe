/**
 * Hooks one tfjs-layers instance: model creation (`sequential`, `model`, `loadLayersModel`),
 * `compile`, and the three ways to train (`fit`, `fitDataset`, `trainOnBatch`) on `LayersModel` and
 * `Sequential` (whose methods call their inner LayersModel's: those inner calls pass straight through).
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { SourceLocation } from '../../../core/training/protocol';
import type { CaptureKind } from '../../../core/training/capture';
import type { Caller } from './call-site';
import { stopProgram } from './program-stop';

export type TrainingKind = Exclude<CaptureKind, 'built'>;

export interface TrainingCall {
  model: tfjs.LayersModel;
  kind: TrainingKind;
  args: unknown[];
  site: SourceLocation | null;
}

export interface LayersListener {
  built(model: tfjs.LayersModel, site: SourceLocation | null): void;
  compiled(model: tfjs.LayersModel, args: unknown): void;
  /** `undefined` lets the call run; anything else is returned to the program instead (a promise that never settles stops it there). */
  training(call: TrainingCall): unknown;
  /** The program runs a model (`predict`): 'stop' throws ProgramStopped into it instead. `fromProgram` looks at the stack (costly: only when needed). */
  inference(model: tfjs.LayersModel, fromProgram: () => boolean): 'pass' | 'stop';
}

type Method = (this: tfjs.LayersModel, ...args: unknown[]) => unknown;
const TRAINING: TrainingKind[] = ['fit', 'fitDataset', 'trainOnBatch'];
const INFERENCE = ['predict', 'predictOnBatch'];
const FACTORIES = ['sequential', 'model', 'loadLayersModel'];
const PATCHED = Symbol.for('rbn.capture.patched');
const ADD_PATCHED = Symbol.for('rbn.capture.patched.add');

export function patchLayers(layers: Record<string, unknown>, listener: LayersListener, locate: () => Caller): void {
  // Sequential.fit calls this.model.fit synchronously before its first await: depth > 0 there.
  let depth = 0;
  const through = (original: Method, self: tfjs.LayersModel, args: unknown[]) => {
    depth++;
    try {
      return original.apply(self, args);
    } finally {
      depth--;
    }
  };
  for (const cls of [layers.LayersModel, layers.Sequential] as { prototype: Record<string | symbol, Method> }[]) {
    const proto = cls.prototype;
    // The umbrella package re-exports the same classes: one set of wrappers per class.
    if (Object.prototype.hasOwnProperty.call(proto, PATCHED)) {
      continue;
    }
    proto[PATCHED] = (() => undefined) as Method;
    wrapOwn(proto, 'compile', (original) =>
      function (this: tfjs.LayersModel, ...args: unknown[]) {
        const caller = depth === 0 ? locate() : undefined;
        if (caller && !caller.own) {
          listener.built(this, caller.site);
          listener.compiled(this, args[0]);
        }
        return through(original, this, args);
      },
    );
    for (const kind of TRAINING) {
      wrapOwn(proto, kind, (original) =>
        function (this: tfjs.LayersModel, ...args: unknown[]) {
          const caller = depth === 0 ? locate() : undefined;
          if (!caller || caller.own) {
            return through(original, this, args);
          }
          const instead = listener.training({ model: this, kind, args, site: caller.site });
          return instead === undefined ? through(original, this, args) : instead;
        },
      );
    }
    for (const name of INFERENCE) {
      wrapOwn(proto, name, (original) =>
        function (this: tfjs.LayersModel, ...args: unknown[]) {
          if (depth === 0 && listener.inference(this, () => !locate().own) === 'stop') {
            stopProgram();
          }
          return through(original, this, args);
        },
      );
    }
  }
  // Where a bundle re-exports tfjs through getters, the factories cannot be wrapped: a Sequential's first add() says where it was built.
  const sequential = (layers.Sequential as { prototype: Record<string | symbol, Method> }).prototype;
  if (!Object.prototype.hasOwnProperty.call(sequential, ADD_PATCHED)) {
    sequential[ADD_PATCHED] = (() => undefined) as Method;
    wrapOwn(sequential, 'add', (original) =>
      function (this: tfjs.LayersModel, ...args: unknown[]) {
        const caller = depth === 0 ? locate() : undefined;
        if (caller && !caller.own) {
          listener.built(this, caller.site);
        }
        return through(original, this, args);
      },
    );
  }
  for (const name of FACTORIES) {
    const original = layers[name];
    // Re-exports are getters that read tfjs-layers' own (patched) exports.
    if (typeof original !== 'function' || !Object.getOwnPropertyDescriptor(layers, name)?.writable) {
      continue;
    }
    layers[name] = function (this: unknown, ...args: unknown[]) {
      const { site } = locate();
      const made = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (made instanceof Promise) {
        return made.then((model: tfjs.LayersModel) => (listener.built(model, site), model));
      }
      listener.built(made as tfjs.LayersModel, site);
      return made;
    };
  }
}

function wrapOwn(proto: Record<string | symbol, Method>, name: string, wrap: (original: Method) => Method): void {
  if (Object.prototype.hasOwnProperty.call(proto, name) && typeof proto[name] === 'function') {
    proto[name] = wrap(proto[name]);
  }
}
