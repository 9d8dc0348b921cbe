/**
 * The program may let go of the model the capture takes before the session trains it: a test's
 * afterEach disposes it (model.dispose(), tf.disposeVariables()) while trainOnBatch batches are still
 * being gathered, or a script disposes the model it built and exits. The session then found its
 * weights gone ("LayersVariable … is already disposed"). Kept models ignore those disposals; the
 * program loses nothing but the memory, which the capture's process frees when it ends.
 */
import type * as tfjs from '@tensorflow/tfjs';

const kept: tfjs.LayersModel[] = [];
const patched = new WeakSet<object>();

/** From now on, disposals of `model` and of its weights' variables by the program are ignored. */
export function keepAlive(tf: typeof tfjs, model: tfjs.LayersModel): void {
  if (kept.includes(model)) {
    return;
  }
  kept.push(model);
  Object.defineProperty(model, 'dispose', { configurable: true, writable: true, value: () => ({ refCountAfterDispose: 1, numDisposedVariables: 0 }) });
  guardEngine(tf.engine() as unknown as DisposingEngine);
  guardVariableClass(tf.Variable?.prototype as unknown as DisposingVariable | undefined);
}

interface DisposingEngine {
  disposeVariable(v: unknown): void;
}

interface DisposingVariable {
  dispose(): void;
}

/** tf.disposeVariables() and Variable.dispose() both end in the engine's disposeVariable. */
function guardEngine(engine: DisposingEngine): void {
  if (patched.has(engine) || typeof engine.disposeVariable !== 'function') {
    return;
  }
  patched.add(engine);
  const original = engine.disposeVariable.bind(engine);
  engine.disposeVariable = (v: unknown) => {
    if (!isKeptVariable(v)) {
      original(v);
    }
  };
}

/** Variable.dispose() also marks the variable disposed itself, which the engine's guard cannot undo. */
function guardVariableClass(proto: DisposingVariable | undefined): void {
  if (!proto || patched.has(proto) || typeof proto.dispose !== 'function') {
    return;
  }
  patched.add(proto);
  const original = proto.dispose;
  proto.dispose = function (this: unknown) {
    if (!isKeptVariable(this)) {
      original.call(this);
    }
  };
}

/** Looked up when disposed, not when kept: a Sequential built empty gets its weights later. */
function isKeptVariable(v: unknown): boolean {
  return kept.some((model) => model.weights.some((w) => (w as unknown as { val?: unknown }).val === v));
}
