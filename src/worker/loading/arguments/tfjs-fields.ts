/**
 * A class that keeps the tfjs it was handed in a field (`static tf: typeof tf`, filled by
 * `Model.configure(require('@tensorflow/tfjs-node'))`; `this.tf = tf` in an `init(tf)`), so the
 * library can run on whichever tfjs its host brings: the builder reads `this.tf.sequential()`, and the
 * field is empty until the host's set-up call runs. Such a field is filled with the worker's tfjs
 * before the builder is called, with a note, as a module's deferred `let tf` is (module-loader.ts).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { tfjsFieldsRead } from '../../../core/analysis/arguments/tfjs-fields';

/**
 * Fills each field the builder's code (`code`: its own text) reads tfjs from that is still empty on
 * `self` (the instance, or the class for a static method) and on the class; returns how it was
 * written (`Model.tf`, `this.tf`) for the note.
 */
export function fillTfjsFields(code: string, className: string, self: Record<string, unknown>, cls: unknown, tf: typeof tfjs): string[] {
  const { onThis, onClass } = tfjsFieldsRead(code, className);
  const filled: string[] = [];
  const fill = (holder: unknown, name: string, label: string) => {
    const target = holder as Record<string, unknown> | undefined;
    if (target !== undefined && target !== null && (typeof target === 'object' || typeof target === 'function') && (target[name] === undefined || target[name] === null)) {
      target[name] = tf;
      filled.push(label);
    }
  };
  onThis.forEach((name) => fill(self, name, self === cls ? `${className}.${name}` : `this.${name}`));
  onClass.forEach((name) => fill(cls, name, `${className}.${name}`));
  return [...new Set(filled)];
}

/** The report's note for the fields fillTfjsFields filled; undefined when none. */
export function tfjsFieldsNote(filled: readonly string[], builderId: string): string | undefined {
  if (filled.length === 0) {
    return undefined;
  }
  const [field, it] = filled.length === 1 ? [`${filled[0]} was`, 'it'] : [`${filled.join(', ')} were`, 'them'];
  return `${builderId}() reads tfjs from a field, and ${field} empty (your program sets ${it} in a set-up call that did not run here): sanity-train set ${it} to the tfjs it runs on`;
}
