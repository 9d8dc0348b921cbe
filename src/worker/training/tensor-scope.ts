import type * as tfjs from '@tensorflow/tfjs';

/** Like tf.tidy for functions that return plain values: every tensor made inside is disposed. */
export function scoped<T>(tf: typeof tfjs, fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}
