/**
 * Instance fields a method builder reads that its class leaves empty until another method runs
 * (`this.numClasses`, set by `train()`): the values to set (given, else proposed from the file, see
 * core/analysis/arguments/instance-fields.ts), and setting them on the instance before the call.
 */
import * as path from 'node:path';
import { readDataHint } from '../../../core/analysis/arguments/data-hint';
import { builderRange, instanceFieldNames, proposeInstanceFields } from '../../../core/analysis/arguments/instance-fields';
import type { parseSourceFile } from '../../../core/analysis/builders/tfjs-bindings';
import type { ModelBuilder } from '../../../core/analysis/types';
import { BadInputError } from '../../errors';
import type * as tfjs from '@tensorflow/tfjs';
import { materializedValues } from './stand-ins';
import { isStandIn } from '../missing-modules';

export interface InstanceVars {
  values: Record<string, unknown>;
  source: string;
  /** The names the user typed or chose (BuilderCallValues.instanceVarsTyped): a size or shape among them replaces the constructor's. */
  typed?: string[];
}

export interface InstanceVarsInput {
  file: string;
  code: string;
  instanceVars?: Record<string, unknown>;
  instanceVarsSource?: string;
  instanceVarsTyped?: string[];
}

/**
 * The given values (each must be a field the builder's class mentions as `this.<name>`), else the
 * proposal from the file; undefined when there is nothing to set.
 */
export function instanceVariablesFor(sourceFile: ReturnType<typeof parseSourceFile>, builder: ModelBuilder, inv: InstanceVarsInput): InstanceVars | undefined {
  if (inv.instanceVars !== undefined) {
    const known = instanceFieldNames(sourceFile, builder);
    const stray = Object.keys(inv.instanceVars).filter((n) => !known.includes(n));
    if (stray.length > 0) {
      const owner = builder.className ?? builder.id;
      const has = known.length > 0 ? `it has ${known.join(', ')}` : 'it has none';
      throw new BadInputError(`--instance-vars: ${stray.join(', ')} ${stray.length === 1 ? 'is not a field' : 'are not fields'} of ${owner} (this.<name> in its methods; ${has})`);
    }
    return { values: inv.instanceVars, source: inv.instanceVarsSource ?? 'given', ...(inv.instanceVarsTyped ? { typed: inv.instanceVarsTyped } : {}) };
  }
  // A method the analysis did not take for a builder still has its text in the file.
  const range = builderRange(sourceFile, builder);
  const proposal = range ? proposeInstanceFields(sourceFile, { ...builder, ...range }, { fileLabel: path.basename(inv.file), hint: readDataHint(inv.code) }) : undefined;
  return proposal && Object.keys(proposal.values).length > 0 ? { values: proposal.values, source: proposal.summary } : undefined;
}

/**
 * Sets each field that is still null or undefined after construction, as `train()` would have; a
 * stand-in among the values (a method returning a size) is made real first. A field that holds a
 * plain object the constructor was given (typed options, `{}`) gets the stand-in's members it lacks
 * (`size()`, which JSON cannot hold), never one it has. Returns the names set, and the `this.<path>`
 * completed that way; a field the constructor set keeps its value and is in neither.
 */
export function fillInstanceFields(instance: Record<string, unknown> | undefined, vars: InstanceVars | undefined, tf: typeof tfjs): { set: string[]; completed: string[] } {
  if (!instance || !vars) {
    return { set: [], completed: [] };
  }
  const set: string[] = [];
  const completed: string[] = [];
  for (const [name, value] of materializedValues(vars.values, tf, '--instance-vars')) {
    // A field the instance only inherits from a missing base class's stand-in was never set either, and a
    // size still 0 (`this.featureCount = 0` until initialize(n)) is a placeholder, as a call's size of 0 is.
    const placeholderSize = instance[name] === 0 && typeof value === 'number' && value > 0;
    // A size or shape the user typed for a field the constructor set (`this.inputShape = [224, 224, 3]`)
    // is their choice; a proposal is not (it may miss a base class's constructor). Options objects keep theirs.
    const givenOverSet = vars.typed?.includes(name) === true && !isPlainObject(instance[name]) && !isPlainObject(value) && typeof instance[name] !== 'function';
    if (instance[name] === null || instance[name] === undefined || isStandIn(instance[name]) || placeholderSize || givenOverSet) {
      instance[name] = value;
      set.push(name);
    } else if (vars.source !== 'given') {
      completed.push(...withMissingMembers(instance[name], value, `this.${name}`));
    }
  }
  return { set, completed };
}

/** The report's note for proposed fields the constructor had set, which keep their value; undefined when none. */
export function keptFieldsNote(kept: readonly string[]): string | undefined {
  if (kept.length === 0) {
    return undefined;
  }
  const [it, values] = kept.length === 1 ? ['it', 'value'] : ['them', 'values'];
  return `${kept.map((name) => `this.${name}`).join(', ')}: kept as the constructor set ${it} (the ${values} proposed for ${it} went unused)`;
}

/** The report's note for the members fillInstanceFields completed; undefined when none. */
export function completedFieldsNote(completed: readonly string[], builderId: string): string | undefined {
  if (completed.length === 0) {
    return undefined;
  }
  const [it, standIn] = completed.length === 1 ? ['it', 'it a stand-in'] : ['them', 'them stand-ins'];
  return `the constructor's arguments left out ${completed.join(', ')}, which ${builderId}() reads: sanity-train gave ${standIn} from what the code does with ${it} (pass --instance-vars to set ${it})`;
}

/** Copies into `target` (a plain object) the members of `standIn` it lacks, nested plain objects too; the paths copied. */
function withMissingMembers(target: unknown, standIn: unknown, at: string): string[] {
  if (!isPlainObject(target) || !isPlainObject(standIn)) {
    return [];
  }
  const copied: string[] = [];
  for (const [key, value] of Object.entries(standIn)) {
    if (target[key] === undefined) {
      target[key] = value;
      copied.push(`${at}.${key}${typeof value === 'function' ? '()' : ''}`);
    } else {
      copied.push(...withMissingMembers(target[key], value, `${at}.${key}`));
    }
  }
  return copied;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
