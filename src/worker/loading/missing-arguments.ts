/**
 * A builder the analysis did not recognise (so no proposal was made) that declares parameters and
 * ran with fewer: when it then fails, the message says which parameters were left out and what the
 * code reads of them (`graph.nodes`, `graph.edges`: a description the model is built from), so the
 * user sees what to pass instead of only a TypeError from their own code.
 */
import { readPropertiesOf } from '../../core/analysis/arguments/property-reads';

/** The names of `fn`'s parameters from its source text, up to the first one with a default or a pattern. */
export function declaredParameters(fn: unknown): string[] {
  if (typeof fn !== 'function') {
    return [];
  }
  const text = Function.prototype.toString.call(fn);
  const list = /^(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(text)?.[1] ?? /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text)?.[1];
  if (list === undefined) {
    return [];
  }
  const names: string[] = [];
  for (const part of list.split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(part)) {
      break;
    }
    names.push(part);
  }
  return names;
}

/** "modelMapper takes 1 argument (graph) and ran with none: …"; undefined when every declared one was given. */
export function missingArgumentsHint(label: string, fn: unknown, given: number): string | undefined {
  const names = declaredParameters(fn);
  if (names.length <= given) {
    return undefined;
  }
  const missing = names.slice(given);
  const text = Function.prototype.toString.call(fn);
  const reads = missing.flatMap((name) => (readPropertiesOf(text, name)?.needed ?? []).map((p) => `${name}.${p}`));
  const what = reads.length > 0 ? `it reads ${reads.join(', ')}, a value only its caller has and nothing in the file proposes` : 'nothing in the file proposes a value for them';
  const count = `${names.length} argument${names.length === 1 ? '' : 's'}`;
  return `${label} takes ${count} (${names.join(', ')}) and ran with ${given === 0 ? 'none' : given}: ${what}; pass ${missing.length === 1 ? 'it' : 'them'} as JSON with --args`;
}
