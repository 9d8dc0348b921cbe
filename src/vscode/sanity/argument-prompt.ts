/**
 * Before a builder with parameters runs: propose its arguments (last run, calls in its package,
 * defaults, guesses), let the user edit them as a JS array literal in an input box (a second box for
 * a class's constructor), remember what ran. Escape in either box cancels the run.
 */
import * as vscode from 'vscode';
import type { ArgumentProposal, BuilderParameter, ModelBuilder } from '../../core/analysis/types';
import { argumentNeeds, argumentPrompt, checkArguments, sameValues } from './argument-specs';
import type { LastRunMemory, RememberedCall } from './last-run-memory';
import { findPackageFiles } from './package-files';
import type { SanityAnalysis } from './sanity-analysis';

/** What the request gets: absent fields mean the builder takes no user arguments. */
export interface ChosenArguments {
  args?: unknown[];
  ctorArgs?: unknown[];
  argsSource?: string;
}

export interface ArgumentPromptDeps {
  analysis(): Promise<SanityAnalysis>;
  memory: LastRunMemory;
  log: vscode.LogOutputChannel;
}

/** The source a rerun from the panel credits: no box, the values of the run before. */
export const LAST_RUN_SOURCE = 'as you ran it last time';
/** The source when the user changed the proposal in the box. */
export const EDITED_SOURCE = 'entered in the argument box';

/**
 * The arguments to run `builder` with; undefined when the user cancelled.
 * @param reuseLast skip the boxes when there is a last run (the panel's "Run again").
 */
export async function chooseArguments(deps: ArgumentPromptDeps, document: vscode.TextDocument, builder: ModelBuilder, reuseLast = false): Promise<ChosenArguments | undefined> {
  const needs = argumentNeeds(builder);
  if (!needs.args && !needs.ctorArgs) {
    return {};
  }
  const fileKey = vscode.workspace.asRelativePath(document.uri, true);
  const last = deps.memory.get(fileKey, builder.id);
  if (reuseLast && last) {
    return { args: last.args, ...(last.ctorArgs ? { ctorArgs: last.ctorArgs } : {}), argsSource: LAST_RUN_SOURCE };
  }
  const proposal = await propose(deps, document, builder, last);
  deps.log.info(`Proposed arguments for ${builder.id}: ${describeProposal(proposal)}`);
  const analysis = await deps.analysis();
  const title = `Sanity-train ${builder.id}`;
  // Each box says where its own values came from: the builder's, or the constructor's.
  const sourceOf = (ofConstructor: boolean) =>
    analysis.describeProposal({ ...proposal, sources: proposal.sources.filter((s) => (s.ofConstructor ?? false) === ofConstructor) });
  let args: unknown[] = [];
  if (needs.args) {
    const typed = await askFor(needs.args, { title, prompt: argumentPrompt(builder, sourceOf(false), 'args'), value: analysis.formatArguments(proposal.args) });
    if (!typed) {
      return undefined;
    }
    args = typed;
  }
  let ctorArgs: unknown[] | undefined;
  if (needs.ctorArgs) {
    ctorArgs = await askFor(needs.ctorArgs, { title: `${title}: constructor`, prompt: argumentPrompt(builder, sourceOf(true), 'ctorArgs'), value: analysis.formatArguments(proposal.ctorArgs ?? []) });
    if (!ctorArgs) {
      return undefined;
    }
  }
  const proposed = sameValues(args, needs.args ? proposal.args : []) && (!needs.ctorArgs || sameValues(ctorArgs, proposal.ctorArgs));
  await deps.memory.remember(fileKey, builder.id, { args, ...(ctorArgs ? { ctorArgs } : {}) });
  return { args, ...(ctorArgs ? { ctorArgs } : {}), argsSource: proposed ? proposal.summary : EDITED_SOURCE };
}

/** The proposal; when the analysis fails, an empty one (the user can still type the arguments). */
async function propose(deps: ArgumentPromptDeps, document: vscode.TextDocument, builder: ModelBuilder, lastRun: RememberedCall | undefined): Promise<ArgumentProposal> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finding arguments for ${builder.id}…` }, async () => {
      const packageFiles = await findPackageFiles(document.uri, builder, deps.log);
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
  return `${JSON.stringify(proposal.args)}${proposal.ctorArgs ? `, constructor ${JSON.stringify(proposal.ctorArgs)}` : ''} (${proposal.summary}${sources ? `; ${sources}` : ''})`;
}

/** One input box; the values typed, or undefined on Escape. */
async function askFor(parameters: readonly BuilderParameter[], box: { title: string; prompt: string; value: string }): Promise<unknown[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: box.title,
    prompt: box.prompt,
    value: box.value,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = checkArguments(value, parameters);
      if (!check.ok) {
        return { message: check.message, severity: vscode.InputBoxValidationSeverity.Error };
      }
      return check.warning ? { message: check.warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
    },
  });
  if (text === undefined) {
    return undefined;
  }
  const check = checkArguments(text, parameters);
  return check.ok ? check.values : undefined;
}
