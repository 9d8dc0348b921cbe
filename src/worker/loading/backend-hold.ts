/**
 * User code often picks a tfjs backend as it loads (`await tf.setBackend('cpu')` in a Node script,
 * `'webgl'` in a page). In the worker that would switch the one shared tfjs away from the backend
 * sanity-train chose and reports (a 224×224 CNN's filter gradients on tfjs's cpu backend are about a
 * hundred times slower than on wasm), or throw where the backend does not exist in Node. While the
 * builder loads and runs, the request is recorded and answered as granted, the chosen backend
 * stays, and the report says which backend the code asked for.
 */
import type * as tfjs from '@tensorflow/tfjs';

export interface BackendHold {
  /** The note for the report, when the code asked for another backend than the one in use. */
  note(): string | undefined;
  /** Puts the engine's own `setBackend` back. */
  restore(): void;
}

export function holdBackend(tf: typeof tfjs): BackendHold {
  const engine = tf.engine() as unknown as { setBackend: (name: string) => Promise<boolean> };
  const own = Object.prototype.hasOwnProperty.call(engine, 'setBackend') ? engine.setBackend : undefined;
  const kept = tf.getBackend();
  const asked: string[] = [];
  engine.setBackend = (name: string) => {
    if (!asked.includes(name)) {
      asked.push(name);
    }
    return Promise.resolve(true);
  };
  return {
    note: () => {
      const others = asked.filter((name) => name !== kept);
      if (others.length === 0) {
        return undefined;
      }
      const list = others.map((name) => `'${name}'`).join(' and ');
      return `the code asked for the ${list} backend (tf.setBackend): sanity-train kept ${kept}, the backend it chose for training (--backend picks another)`;
    },
    restore: () => {
      if (own === undefined) {
        delete (engine as Partial<typeof engine>).setBackend;
      } else {
        engine.setBackend = own;
      }
    },
  };
}
