/**
 * A module whose body throws as it loads (`sample(mouse)` reading a model the page has not made yet),
 * past the point where its builder, a function declaration, exists: in the browser too the script
 * stops there. When nothing else let it load, the builder is built anyway on one more attempt, which
 * takes the hoisted builder past the error (module-loader.ts loadFactory), and the report's first note
 * says where the module throws.
 */
import * as path from 'node:path';
import { describeError, SanityFailure } from '../errors';
import { setModuleLoading } from './page/browser-stand-ins';

/** On a last attempt: take the hoisted builder past the module's load error, which `noted` records. */
export interface LastResort {
  noted: (err: unknown) => void;
}

/** The last attempt's build with its note first; undefined when `err` is no load error, or that attempt fails too. */
export async function pastALoadError<T extends { builder: { id: string }; notes: string[] }>(err: unknown, file: string, attempt: (lastResort: LastResort) => Promise<T>): Promise<T | undefined> {
  if (!(err instanceof SanityFailure) || !err.message.startsWith('loading ')) {
    return undefined;
  }
  let loadError: unknown;
  try {
    setModuleLoading(true);
    const result = await attempt({ noted: (e) => (loadError = e) });
    if (loadError === undefined) {
      return undefined;
    }
    const note = `${path.basename(file)} throws when it loads: ${describeError(loadError, file)}; sanity-train built the model with ${result.builder.id}(), declared before that line (in a browser or under node the script stops there too)`;
    return { ...result, notes: [note, ...result.notes] };
  } catch {
    return undefined;
  }
}
