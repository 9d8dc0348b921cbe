/**
 * Before a builder with parameters runs: propose its arguments (last run, calls in its package,
 * defaults, guesses), let the user edit them as a JS array literal in an input box (a second box for
 * a class's constructor, one more, a JS object, for the module variables the builder reads, and one
 * for the instance fields a method builder reads that another method fills), remember
 * what ran. Escape in any box cancels the run.
 */
import * as vscode from 'vscode';
import type { ArgumentProposal, ModelBuilder } from '../../../core/analysis/types';
import { argumentNeeds, argumentPrompt, checkArguments, checkModuleVariables, instanceFieldsPrompt, moduleVariablesPrompt, sameValues } from './argument-specs';
import type { LastRunMemory, RememberedCall } from './last-run-memory';
import { findPackageFiles } from '../package-files';
import type { SanityAnalysis } from '../sanity-analysis';
import type { BuilderCallValues } from '../../../core/training/protocol';

/** What the request gets: absent fields mean the builder takes no user arguments. */
export type ChosenArguments = BuilderCallValues;

export interface ArgumentPromptDeps {
  analysis(): Promise<SanityAnalysis>;
  memory: LastRunMemory;
  log: vscode.LogOutputChannel;
}

/** The source a rerun from the panel credits: no box, the values of the run before. */
export const LAST_RUN_SOURCE = 'as you ran it last time';
/** The source when the user changed the proposal in the box. */
export const EDITED_SOURCE = 'entered in the argument box';
/** The source when the user changed the module variables in their box. */
export const EDITED_MODULE_VARS_SOURCE = 'entered in the module-variables box';
/** The source when the user changed the instance fields in their box. */
export const EDITED_INSTANCE_VARS_SOURCE = 'entered in the instance-fields box';

/**
 * The arguments to run `builder` with; undefined when the user cancelled.
 * @param reuseLast skip the boxes when there is a last run (the panel's "Run again").
 */
export async function chooseArguments(deps: ArgumentPromptDeps, document: vscode.TextDocument, builder: ModelBuilder, reuseLast = false): Promise<ChosenArguments | undefined> {
  const needs = argumentNeeds(builder);
  const fileKey = vscode.workspace.asRelativePath(document.uri, true);
  const last = deps.memory.get(fileKey, builder.id);
  if (reuseLast && last) {
    const vars = {
      ...(last.moduleVars ? { moduleVars: last.moduleVars, moduleVarsSource: LAST_RUN_SOURCE } : {}),
      ...(last.instanceVars ? { instanceVars: last.instanceVars, instanceVarsSource: LAST_RUN_SOURCE, ...(last.instanceVarsTyped ? { instanceVarsTyped: last.instanceVarsTyped } : {}) } : {}),
    };
    return needs.args || needs.ctorArgs ? { args: last.args, ...(last.ctorArgs ? { ctorArgs: last.ctorArgs } : {}), argsSource: LAST_RUN_SOURCE, ...vars } : vars;
  }
  // Without parameters only the module variables may need a box: the file alone answers for them.
  const proposal = await propose(deps, document, builder, last, needs.args !== undefined || needs.ctorArgs !== undefined);
  if (!needs.args && !needs.ctorArgs && !proposal.moduleVars && !proposal.instanceVars) {
    return {};
  }
  deps.log.info(`Proposed arguments for ${builder.id}: ${describeProposal(proposal)}`);
  const analysis = await deps.analysis();
  const title = `Sanity-train ${builder.id}`;
  // Each box says where its own values came from: the builder's, or the constructor's.
  const partOf = (ofConstructor: boolean): ArgumentProposal => ({ ...proposal, sources: proposal.sources.filter((s) => (s.ofConstructor ?? false) === ofConstructor) });
  const promptOf = (which: 'args' | 'ctorArgs') => {
    const part = partOf(which === 'ctorArgs');
    return argumentPrompt(builder, analysis.describeProposal(part), which, analysis.guessReasons(part));
  };
  const out: ChosenArguments = {};
  if (needs.args) {
    out.args = await askFor((text) => checkArguments(text, needs.args ?? []), { title, prompt: promptOf('args'), value: analysis.formatArguments(proposal.args) });
    if (!out.args) {
      return undefined;
    }
  }
  if (needs.ctorArgs) {
    out.ctorArgs = await askFor((text) => checkArguments(text, needs.ctorArgs ?? []), { title: `${title}: constructor`, prompt: promptOf('ctorArgs'), value: analysis.formatArguments(proposal.ctorArgs ?? []) });
    if (!out.ctorArgs) {
      return undefined;
    }
  }
  if (proposal.moduleVars) {
    const shown = analysis.describeModuleVariables(proposal.moduleVars);
    const names = [...proposal.moduleVars.sources.map((s) => s.name), ...(proposal.moduleVars.unknown ?? [])];
    out.moduleVars = await askFor((text) => checkModuleVariables(text, names), { title: `${title}: module variables`, prompt: moduleVariablesPrompt(builder, shown.detail), value: shown.text });
    if (!out.moduleVars) {
      return undefined;
    }
    out.moduleVarsSource = sameValues(out.moduleVars, proposal.moduleVars.values) ? proposal.moduleVars.summary : EDITED_MODULE_VARS_SOURCE;
  }
  if (proposal.instanceVars) {
    // The same kind of box: a JS object, here of the fields the constructor leaves empty.
    const shown = analysis.describeModuleVariables(proposal.instanceVars);
    const names = [...proposal.instanceVars.sources.map((s) => s.name), ...(proposal.instanceVars.unknown ?? [])];
    out.instanceVars = await askFor((text) => checkModuleVariables(text, names), { title: `${title}: instance fields`, prompt: instanceFieldsPrompt(builder, shown.detail), value: shown.text });
    if (!out.instanceVars) {
      return undefined;
    }
    out.instanceVarsSource = sameValues(out.instanceVars, proposal.instanceVars.values) ? proposal.instanceVars.summary : EDITED_INSTANCE_VARS_SOURCE;
    // What the user changed in the box is theirs (it may replace a size the constructor set); the rest stays a proposal.
    const proposed = proposal.instanceVars.values;
    const typed = Object.keys(out.instanceVars).filter((name) => !sameValues(out.instanceVars?.[name], proposed[name]));
    if (typed.length > 0) {
      out.instanceVarsTyped = typed;
    }
  }
  if (needs.args || needs.ctorArgs) {
    out.args ??= [];
    const proposed = sameValues(out.args, needs.args ? proposal.args : []) && (!needs.ctorArgs || sameValues(out.ctorArgs, proposal.ctorArgs));
    out.argsSource = proposed ? proposal.summary : EDITED_SOURCE;
  }
  await deps.memory.remember(fileKey, builder.id, { args: out.args ?? [], ...(out.ctorArgs ? { ctorArgs: out.ctorArgs } : {}), ...(out.moduleVars ? { moduleVars: out.moduleVars } : {}), ...(out.instanceVars ? { instanceVars: out.instanceVars } : {}), ...(out.instanceVarsTyped ? { instanceVarsTyped: out.instanceVarsTyped } : {}) });
  return out;
}

/** The proposal; when the analysis fails, an empty one (the user can still type the arguments). */
async function propose(deps: ArgumentPromptDeps, document: vscode.TextDocument, builder: ModelBuilder, lastRun: RememberedCall | undefined, searchPackage: boolean): Promise<ArgumentProposal> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finding arguments for ${builder.id}…` }, async () => {
      const packageFiles = searchPackage ? await findPackageFiles(document.uri, document.getText(), builder, deps.log) : [];
      const analysis = await deps.analysis();
      return analysis.proposeArguments({ builder, code: document.getText(), fileName: document.fileName, packageFiles, ...(lastRun ? { lastRun } : {}) });
    });
  } catch (error) {
    deps.log.error(`Proposing arguments for ${builder.id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { args: lastRun?.args ?? [], ...(lastRun?.ctorArgs ? { ctorArgs: lastRun.ctorArgs } : {}), sources: [], summary: 'no proposal (the search failed; see the log)' };
  }
}

function describeProposal(proposal: ArgumentProposal): string {
  const sources = proposal.sources.map((s) => `${s.parameter}: ${s.detail}`).join('; ');
  const vars = [
    proposal.moduleVars ? `; module variables ${JSON.stringify(proposal.moduleVars.values)} (${proposal.moduleVars.summary})` : '',
    proposal.instanceVars ? `; instance fields ${JSON.stringify(proposal.instanceVars.values)} (${proposal.instanceVars.summary})` : '',
  ].join('');
  return `${JSON.stringify(proposal.args)}${proposal.ctorArgs ? `, constructor ${JSON.stringify(proposal.ctorArgs)}` : ''} (${proposal.summary}${sources ? `; ${sources}` : ''})${vars}`;
}

/** One input box; the values typed, or undefined on Escape. */
async function askFor<T>(check: (text: string) => { ok: true; values: T; warning?: string } | { ok: false; message: string }, box: { title: string; prompt: string; value: string }): Promise<T | undefined> {
  const text = await vscode.window.showInputBox({
    title: box.title,
    prompt: box.prompt,
    value: box.value,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const result = check(value);
      if (!result.ok) {
        return { message: result.message, severity: vscode.InputBoxValidationSeverity.Error };
      }
      return result.warning ? { message: result.warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
    },
  });
  if (text === undefined) {
    return undefined;
  }
  const result = check(text);
  return result.ok ? result.values : undefined;
}
