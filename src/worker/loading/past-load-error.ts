/**
 * A module whose body throws as it loads (`sample(mouse)` reading a model the page has not made yet,
 * an analysis script reading data the repository does not hold): in the browser or under node too the
 * script stops there. When nothing else let it load, the builder is built anyway on one more attempt,
 * on which each top-level statement runs on its own and one that throws is skipped (module-loader.ts
 * loadFactory, guarded-statements.ts), and the report's first note says where the module throws.
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
  const skippedNote = () => `${path.basename(file)} throws when it loads: ${describeError(loadError, file)}; sanity-train skipped the statements that threw, ran the rest of the file`;
  try {
    setModuleLoading(true);
    const result = await attempt({ noted: (e) => (loadError = e) });
    if (loadError === undefined) {
      return undefined;
    }
    const note = `${skippedNote()} and built the model with ${result.builder.id}() (in a browser or under node the script stops at that line)`;
    return { ...result, notes: [note, ...result.notes] };
  } catch (buildError) {
    // Loaded past its errors, the module then failed to build: that failure says more than the load's.
    if (loadError !== undefined && buildError instanceof SanityFailure && !buildError.message.startsWith('loading ')) {
      throw new SanityFailure(buildError.reason, `${buildError.message} (${skippedNote()})`, buildError.cause);
    }
    return undefined;
  }
}
