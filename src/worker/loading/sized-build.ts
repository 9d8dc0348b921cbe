/**
 * Builds the user's model while counting its weights (budget/build-size.ts). Shapes the tool
 * guessed can make a model far larger than the code's author meant (widths that grow with the
 * image side, a dense layer over a flattened feature map): past the cap the build stops, and runs
 * once more with the image shapes and board sides cut to 8×8, saying so. Guessed sides too small for the layers
 * (tfjs: "Negative dimension size") are doubled instead. Arguments the user gave are never changed
 * (those they left out may be proposed after a failure: arguments/rest-retry.ts); their model's
 * growing size goes to the progress a timeout reports.
 */
import { formatArgumentList } from '../../core/analysis/arguments/argument-proposals';
import { GUESSED_MODEL_CAP, inputTooSmallIn, SMALL_SIDE, tooLargeIn, watchBuild, withLargerSides, withSmallShapes } from '../budget/build-size';
import { guessedParameterNames } from './arguments/stand-ins';
import { ctorParameters } from './arguments/fill-arguments';
import type { ModelBuilder } from '../../core/analysis/types';
import { formatParams } from '../budget/model-size';
import { SanityFailure } from '../errors';
import { analysedBuilderOf, invokeBuilder, type BuilderInvocation, type BuiltModel } from './invoke-builder';
import { withProposedRest } from './arguments/rest-retry';

/** Arguments that came from the tool's guesses only (the CLI's and the editor's proposal summary). */
export function guessedArguments(argsSource: string | undefined): boolean {
  return argsSource !== undefined && /guessed from the names and types/.test(argsSource) && !/given with/.test(argsSource);
}

export async function invokeWithinSize(inv: BuilderInvocation, onGrow: (params: number) => void): Promise<BuiltModel> {
  const guessed = guessedArguments(inv.argsSource);
  const first = guessed ? await withSidesThatFit(inv, (attemptInv) => attempt(attemptInv, onGrow, true)) : await withProposedRest(inv, (attemptInv) => attempt(attemptInv, onGrow, false));
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
  const retried = await attempt({ ...inv, ...(args ? { args } : {}), ...(ctorArgs ? { ctorArgs } : {}), argsSource: `${inv.argsSource}; image and board sides made ${smaller}` }, onGrow, true);
  if ('tooLarge' in retried) {
    throw new SanityFailure('badInput', `the guessed arguments build a model of more than ${cap}, and more still with ${smaller} images and boards: pass smaller sizes with --args`);
  }
  const shown = formatArgumentList([...(ctorArgs ?? []), ...(args ?? [])]);
  retried.notes.unshift(`the guessed image or board sides built a model of more than ${cap} (counted while building, then stopped); sanity-train built it with ${smaller} sides instead (${shown}): pass --args for the sizes you mean`);
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

/** How many times guessed sides are doubled when the layers find the input too small. */
const SIDE_DOUBLINGS = 2;

/**
 * A build from guessed sides (`h`, `w`, `[10, 10, 1]`) that tfjs finds too small for the layers'
 * kernels and strides ("Negative dimension size"): built again with the guessed sides doubled, up to
 * twice, and the report says with which.
 */
async function withSidesThatFit<T extends BuiltModel | { tooLarge: number }>(inv: BuilderInvocation, build: (inv: BuilderInvocation) => Promise<T>): Promise<T> {
  const names = (params: { name: string; receivesTfjs: boolean }[]) => params.filter((p) => !p.receivesTfjs).map((p) => p.name);
  // The builder's parameter names, read only when a retry needs them (most builds never fail this way).
  let builder: ModelBuilder | undefined;
  let tried = inv;
  for (let doubling = 0; ; doubling++) {
    try {
      const built = await build(tried);
      if (tried !== inv && 'notes' in built) {
        const shown = formatArgumentList([...(tried.ctorArgs ?? []), ...(tried.args ?? [])]);
        built.notes.unshift(`the guessed image or board sides were too small for the model's layers (tfjs: negative dimension size); sanity-train built it with them ${2 ** doubling}× larger (${shown}): pass --args for the sizes you mean`);
      }
      return built;
    } catch (err) {
      if (doubling >= SIDE_DOUBLINGS || !inputTooSmallIn(err)) {
        throw err;
      }
      builder ??= analysedBuilderOf(inv);
      if (builder === undefined) {
        throw err;
      }
      const guessedNames = guessedParameterNames(inv.argsSource);
      const factor = 2 ** (doubling + 1);
      const args = inv.args && withLargerSides(inv.args, names(builder.parameters), guessedNames, factor);
      const ctorArgs = inv.ctorArgs && withLargerSides(inv.ctorArgs, names(ctorParameters(builder)), guessedNames, factor);
      if (JSON.stringify([args, ctorArgs]) === JSON.stringify([inv.args, inv.ctorArgs])) {
        throw err;
      }
      tried = { ...inv, ...(args ? { args } : {}), ...(ctorArgs ? { ctorArgs } : {}) };
    }
  }
}
