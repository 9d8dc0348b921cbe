/**
 * Arguments typed for some parameters only run as JavaScript runs them, the rest `undefined`
 * (fill-arguments.ts). When the build then fails, it runs once more with the file's own proposal for
 * the parameters left out (defaults and guesses, as with nothing typed), and the report's first note
 * says so and what the first build said; the typed values are never changed. When the file proposes no
 * value for one of them, or the second build fails too, the first failure stands.
 */
import { formatArgumentList, proposeArguments } from '../../../core/analysis/arguments/argument-proposals';
import type { BuilderParameter } from '../../../core/analysis/types';
import { describeError, SanityFailure } from '../../errors';
import { ctorParameters } from './fill-arguments';
import { analysedBuilderOf, type BuilderInvocation } from '../invoke-builder';

type Invocation = Pick<BuilderInvocation, 'file' | 'code' | 'builderId' | 'args' | 'ctorArgs' | 'argsSource'>;

export async function withProposedRest<I extends Invocation, T extends object>(inv: I, build: (inv: I) => Promise<T>): Promise<T> {
  try {
    return await build(inv);
  } catch (err) {
    const filled = err instanceof SanityFailure && err.reason === 'threw' ? proposedRest(inv) : undefined;
    if (filled === undefined) {
      throw err;
    }
    const failure = err as SanityFailure;
    let built: T;
    try {
      built = await build({ ...inv, ...filled.values, argsSource: `${inv.argsSource ?? 'given'}; the rest proposed` });
    } catch {
      throw err;
    }
    const said = failure.cause === undefined ? failure.message : describeError(failure.cause, inv.file);
    (built as { notes?: string[] }).notes?.unshift(`with ${filled.names.join(', ')} left undefined the build threw ${said}; sanity-train built it again with the file's proposal for ${filled.names.length === 1 ? 'it' : 'them'} (${filled.shown}): pass the values you mean to choose`);
    return built;
  }
}

/** The typed lists completed with the proposal, when some required parameter got nothing and the proposal has a value for each. */
function proposedRest(inv: Invocation): { values: Pick<Invocation, 'args' | 'ctorArgs'>; names: string[]; shown: string } | undefined {
  const builder = analysedBuilderOf(inv);
  if (builder === undefined) {
    return undefined;
  }
  let proposal: { args?: unknown[]; ctorArgs?: unknown[] };
  try {
    proposal = proposeArguments(builder, { file: inv.file, code: inv.code });
  } catch {
    return undefined;
  }
  // For `--model Class`, the constructor's are the builder's own parameters and its --args.
  const args = completed(inv.args, builder.parameters, proposal.args);
  const ctorArgs = builder.kind === 'constructor' ? undefined : completed(inv.ctorArgs, ctorParameters(builder), proposal.ctorArgs);
  if (args === undefined && ctorArgs === undefined) {
    return undefined;
  }
  const values = { ...(args ? { args: args.values } : {}), ...(ctorArgs ? { ctorArgs: ctorArgs.values } : {}) };
  const names = [...(ctorArgs?.names ?? []), ...(args?.names ?? [])];
  const shown = [...(ctorArgs ? [`new ${builder.className}(${formatArgumentList(ctorArgs.values).slice(1, -1)})`] : []), ...(args ? [formatArgumentList(args.values)] : [])].join(', ');
  return { values, names, shown };
}

/** `typed` plus the proposal's values for the required parameters it leaves out; undefined when nothing is missing or a value is. */
function completed(typed: unknown[] | undefined, parameters: BuilderParameter[], proposed: unknown[] | undefined): { values: unknown[]; names: string[] } | undefined {
  const own = parameters.filter((p) => !p.receivesTfjs);
  const required = own.filter((p) => !p.optional).length;
  if (typed === undefined || typed.length >= required || proposed === undefined) {
    return undefined;
  }
  const rest = proposed.slice(typed.length, required);
  if (rest.length < required - typed.length || rest.some((v) => v === null || v === undefined)) {
    return undefined;
  }
  return { values: [...typed, ...rest], names: own.slice(typed.length, required).map((p) => p.name) };
}

