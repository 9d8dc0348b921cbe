/**
 * Model arguments (core/analysis/arguments/model-arguments.ts): `{ $model: 'buildGenerator', args: [100] }`
 * in a builder's argument list is the model that builder method of the same instance (or function of
 * the same module) builds, built just before the call. Its own empty instance fields are filled first,
 * as the builder's are (instance-vars.ts), unless the user gave the fields.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { readDataHint } from '../../../core/analysis/arguments/data-hint';
import { proposeInstanceFields } from '../../../core/analysis/arguments/instance-fields';
import { isModelArgument, type ModelArgument } from '../../../core/analysis/arguments/model-arguments';
import { findModelBuilders } from '../../../core/analysis/builders/model-builders';
import { parseSourceFile } from '../../../core/analysis/builders/tfjs-bindings';
import { describeError, SanityFailure } from '../../errors';
import type { InstanceVars } from './instance-vars';
import { isLayersModel } from '../model-checks';
import { requireUserModule } from '../module-loader';
import * as path from 'node:path';

export interface ModelArgumentContext {
  file: string;
  code: string;
  className?: string;
  /** The fields set on the instance; sibling builders' proposed fields are added here for the report. */
  fields: InstanceVars;
  /** The user gave the fields: nothing more is proposed. */
  fieldsGiven: boolean;
  notes: string[];
}

/** `args` with every model argument replaced by the model its builder builds. */
export async function resolveModelArguments(args: unknown[], owner: Record<string, unknown> | undefined, ctx: ModelArgumentContext): Promise<unknown[]> {
  if (!args.some(isModelArgument)) {
    return args;
  }
  const out: unknown[] = [];
  for (const arg of args) {
    out.push(isModelArgument(arg) ? await buildModelArgument(arg, owner, ctx) : arg);
  }
  return out;
}

async function buildModelArgument(arg: ModelArgument, owner: Record<string, unknown> | undefined, ctx: ModelArgumentContext): Promise<tfjs.LayersModel> {
  const name = arg.$model;
  const args = arg.args ?? [];
  const label = `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
  const method = owner?.[name];
  const fn = typeof method === 'function' ? method : requireUserModule(ctx.file)?.[name];
  if (typeof fn !== 'function') {
    throw new SanityFailure('badInput', `{ $model: '${name}' }: ${ctx.className ?? path.basename(ctx.file)} has no builder '${name}' to build that argument with`);
  }
  if (owner && typeof method === 'function') {
    fillSiblingFields(owner, name, ctx);
  }
  let result: unknown;
  try {
    result = await (fn as (...a: unknown[]) => unknown).apply(typeof method === 'function' ? owner : undefined, args);
  } catch (err) {
    throw new SanityFailure('threw', `${label}, building a model argument, threw: ${describeError(err, ctx.file)}`, err);
  }
  const model = isLayersModel(result) ? result : undefined;
  if (!model) {
    throw new SanityFailure('notAModel', `${label}, building a model argument, returned no tf.LayersModel`);
  }
  ctx.notes.push(`a model argument is the model ${label} builds`);
  return model;
}

/** The empty instance fields the sibling builder reads, proposed and set like the builder's own. */
function fillSiblingFields(owner: Record<string, unknown>, member: string, ctx: ModelArgumentContext): void {
  if (ctx.fieldsGiven || ctx.className === undefined) {
    return;
  }
  const sibling = findModelBuilders(ctx.code, ctx.file).find((b) => b.className === ctx.className && b.memberName === member);
  const proposal = sibling ? proposeInstanceFields(parseSourceFile(ctx.code, ctx.file), sibling, { fileLabel: path.basename(ctx.file), hint: readDataHint(ctx.code) }) : undefined;
  for (const s of proposal?.sources ?? []) {
    if ((owner[s.name] === null || owner[s.name] === undefined) && !(s.name in ctx.fields.values)) {
      owner[s.name] = proposal!.values[s.name];
      ctx.fields.values[s.name] = proposal!.values[s.name];
      ctx.fields.source = [ctx.fields.source, `${s.name} ${s.detail}`].filter((x) => x.length > 0).join('; ');
    }
  }
}
