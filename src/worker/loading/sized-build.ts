/**
 * Builds the user's model while counting its weights (budget/build-size.ts). Shapes the tool
 * guessed can make a model far larger than the code's author meant (widths that grow with the
 * image side, a dense layer over a flattened feature map): past the cap the build stops, and runs
 * once more with the image shapes cut to 8×8, saying so. Arguments the user gave are never changed;
 * their model's growing size goes to the progress a timeout reports.
 */
import { formatArgumentList } from '../../core/analysis/arguments/argument-proposals';
import { GUESSED_MODEL_CAP, SMALL_SIDE, tooLargeIn, watchBuild, withSmallShapes } from '../budget/build-size';
import { formatParams } from '../budget/model-size';
import { SanityFailure } from '../errors';
import { invokeBuilder, type BuilderInvocation, type BuiltModel } from './invoke-builder';

/** Arguments that came from the tool's guesses only (the CLI's and the editor's proposal summary). */
export function guessedArguments(argsSource: string | undefined): boolean {
  return argsSource !== undefined && /guessed from the names and types/.test(argsSource) && !/given with/.test(argsSource);
}

export async function invokeWithinSize(inv: BuilderInvocation, onGrow: (params: number) => void): Promise<BuiltModel> {
  const guessed = guessedArguments(inv.argsSource);
  const first = await attempt(inv, onGrow, guessed);
  if (!('tooLarge' in first)) {
    return first;
  }
  const args = inv.args && (withSmallShapes(inv.args) as unknown[]);
  const ctorArgs = inv.ctorArgs && (withSmallShapes(inv.ctorArgs) as unknown[]);
  const cap = formatParams(GUESSED_MODEL_CAP);
  const unchanged = JSON.stringify([args, ctorArgs]) === JSON.stringify([inv.args, inv.ctorArgs]);
  if (unchanged) {
    throw new SanityFailure('badInput', `the guessed arguments build a model of more than ${cap}, too large to check in a sanity-train: pass smaller sizes with --args`);
  }
  const smaller = `${SMALL_SIDE}×${SMALL_SIDE}`;
  const retried = await attempt({ ...inv, ...(args ? { args } : {}), ...(ctorArgs ? { ctorArgs } : {}), argsSource: `${inv.argsSource}; image shapes made ${smaller}` }, onGrow, true);
  if ('tooLarge' in retried) {
    throw new SanityFailure('badInput', `the guessed arguments build a model of more than ${cap}, and more still with ${smaller} images: pass smaller sizes with --args`);
  }
  const shown = formatArgumentList([...(ctorArgs ?? []), ...(args ?? [])]);
  retried.notes.unshift(`the guessed image shapes built a model of more than ${cap} (counted while building, then stopped); sanity-train built it with ${smaller} images instead (${shown}): pass --args for the sizes you mean`);
  return retried;
}

async function attempt(inv: BuilderInvocation, onGrow: (params: number) => void, capped: boolean): Promise<BuiltModel | { tooLarge: number }> {
  const watch = watchBuild(inv.tf, onGrow, capped ? GUESSED_MODEL_CAP : undefined);
  try {
    return await invokeBuilder(inv);
  } catch (err) {
    const tooLarge = tooLargeIn(err);
    if (tooLarge) {
      return { tooLarge: tooLarge.params };
    }
    throw err;
  } finally {
    watch.restore();
  }
}
