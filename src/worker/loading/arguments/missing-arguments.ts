/**
 * A builder the analysis did not recognise (so no proposal was made) that declares parameters and
 * ran with fewer: when it then fails, the message says which parameters were left out and what the
 * code reads of them (`graph.nodes`, `graph.edges`: a description the model is built from), so the
 * user sees what to pass instead of only a TypeError from their own code.
 */
import { splitTopLevelCommas } from '../../../core/analysis/arguments/argument-guesses';
import { readPropertiesOf } from '../../../core/analysis/arguments/property-reads';

/** The names of `fn`'s parameters from its source text, up to the first one with a default or a pattern. */
export function declaredParameters(fn: unknown): string[] {
  if (typeof fn !== 'function') {
    return [];
  }
  const text = Function.prototype.toString.call(fn);
  // A class's are its constructor's (the first `constructor(` is its own: fields and methods come after it in practice).
  const list = /^class\b/.test(text)
    ? /\bconstructor\s*\(([^)]*)\)/.exec(text)?.[1]
    : (/^(?:async\s*)?(?:function\b[^(]*)?\(([^)]*)\)/.exec(text)?.[1] ?? /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(text)?.[1]);
  if (list === undefined) {
    return [];
  }
  const names: string[] = [];
  for (const part of splitTopLevelCommas(list)) {
    // A destructuring pattern is named by its text; a default or a rest parameter ends the required ones.
    if (/^[{[]/.test(part) && !/[}\]]\s*=/.test(part)) {
      names.push(patternText(part));
    } else if (/^[A-Za-z_$][\w$]*$/.test(part)) {
      names.push(part);
    } else {
      break;
    }
  }
  return names;
}

/** "modelMapper takes 1 argument (graph) and ran with none: …"; undefined when every declared one was given. */
export function missingArgumentsHint(label: string, fn: unknown, given: number, flag = '--args'): string | undefined {
  const names = declaredParameters(fn);
  if (names.length <= given) {
    return undefined;
  }
  const missing = names.slice(given);
  const text = Function.prototype.toString.call(fn);
  const reads = missing.flatMap((name) => {
    const read = readPropertiesOf(text, name);
    return [...(read?.needed ?? []), ...(read?.withFallback ?? [])].map((p) => `${name}.${p}`);
  });
  const what = reads.length > 0 ? `it reads ${reads.join(', ')}, values only its caller has; ` : '';
  const count = `${names.length} argument${names.length === 1 ? '' : 's'}`;
  return `${label} takes ${count} (${names.join(', ')}) and ran with ${given === 0 ? 'none' : given}: ${what}pass ${missing.length === 1 ? 'it' : 'them'} as JSON with ${flag}`;
}

/** `{epochs,batch=16}` and `{ epochs,\n batch = 16 }` alike → `{ epochs, batch = 16 }`. */
function patternText(pattern: string): string {
  const compact = pattern.replace(/\s+/g, '');
  return compact.replace(/,/g, ', ').replace(/=/g, ' = ').replace(/^([{[])/, '$1 ').replace(/([}\]])$/, ' $1');
}

/**
 * `function f({ units = 8, depth = 2 })` with nothing passed: destructuring undefined throws, yet
 * every property has a default, so the author's call is `f({})`. The arguments to add for the
 * trailing parameters that are such patterns (all of them must be), else undefined.
 */
export function emptyObjectsForDefaultedPatterns(fn: unknown, given: number): unknown[] | undefined {
  const rest = declaredParameters(fn).slice(given);
  const allDefaulted = (p: string) => p.startsWith('{ ') && splitTopLevelCommas(p.slice(1, -1)).every((e) => /^[A-Za-z_$][\w$]*\s*(:\s*[A-Za-z_$][\w$]*\s*)?=/.test(e));
  return rest.length > 0 && rest.every(allDefaulted) ? rest.map(() => ({})) : undefined;
}
