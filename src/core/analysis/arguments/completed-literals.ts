/**
 * Literal values completed from what the builder reads: a module variable's (or instance field's)
 * literal assignment can be the empty start of data another statement fills later, so the members
 * the builder reads and the literal cannot give come from the stand-in of those reads. Pure.
 */
import type { BuilderParameter } from '../types';
import type { DataHint } from './data-hint';
import { isPlainObject } from './model-arguments';
import { proposeStandIn, type ParameterSite } from './stand-ins';

/**
 * A literal assignment that lacks what the builder reads of it: `data = { features: [], labels: [] }`,
 * whose `features` another statement later turns into a tensor, read as `data.features.shape[1]`. The
 * members the builder reads and the literal cannot give come from the stand-in of those reads, said so.
 */
export function completedByStandIn<T extends { value: unknown; detail: string }>(found: T, parameter: BuilderParameter, site: ParameterSite | undefined, hint: DataHint): T {
  const literal = found.value;
  if (site === undefined || !isPlainObject(literal)) {
    return found;
  }
  const standIn = proposeStandIn(parameter, site, hint);
  if (standIn === undefined || !isPlainObject(standIn.value)) {
    return found;
  }
  const filled: string[] = [];
  const value = withMissingMembers(literal, standIn.value, '', filled);
  return filled.length === 0 ? found : { ...found, value, detail: `${found.detail}, and ${filled.join(', ')} a stand-in from what the builder reads of it` };
}

/** `literal` with each member the stand-in has and the literal cannot give (absent, or a value without the members read) taken from the stand-in. */
function withMissingMembers(literal: Record<string, unknown>, standIn: Record<string, unknown>, prefix: string, filled: string[]): Record<string, unknown> {
  const out = { ...literal };
  for (const [key, wanted] of Object.entries(standIn)) {
    const have = literal[key];
    if (have === undefined || have === null) {
      out[key] = wanted;
      filled.push(prefix + key);
    } else if (isPlainObject(wanted) && isPlainObject(have)) {
      out[key] = withMissingMembers(have, wanted, `${prefix}${key}.`, filled);
    } else if (isPlainObject(wanted) && Object.keys(wanted).some((member) => !(member in Object(have)))) {
      out[key] = wanted;
      filled.push(prefix + key);
    }
  }
  return out;
}
