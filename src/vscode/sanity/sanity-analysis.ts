/**
 * The analysis sanity-train's editor side needs, loaded on first use (the TypeScript compiler behind
 * it is ~10 MB: activation must not pay for it). The lens provider and the command see only this
 * interface, so the analysis can move to a worker thread without them changing.
 */
import type { PackageFile } from '../../core/analysis/arguments/argument-proposals';
import type { ArgumentProposal, ModelBuilder, ModuleVariablesProposal } from '../../core/analysis/types';
import { loadCore } from '../conversion/core-loader';
import type { RememberedCall } from './arguments/last-run-memory';

export type { PackageFile };

export interface ProposalInput {
  builder: ModelBuilder;
  /** The builder's own file. */
  code: string;
  fileName: string;
  /** Other files of its package that mention it (tests, scripts, demos). */
  packageFiles: PackageFile[];
  /** What the user ran it with last time, proposed first. */
  lastRun?: RememberedCall;
}

/** Codes are files' texts as written: an HTML page's are read as its inline scripts (core/analysis/page/file-texts.ts). */
export interface SanityAnalysis {
  findModelBuilders(code: string, fileName: string): Promise<ModelBuilder[]>;
  proposeArguments(input: ProposalInput): Promise<ArgumentProposal>;
  /** The values as an editable JS array literal (what the argument box shows). */
  formatArguments(values: readonly unknown[]): string;
  /** Where the proposal came from, for the box's prompt ("from the call in dqn_test.js:25"). */
  describeProposal(proposal: ArgumentProposal): string;
  /** Why each guessed value is what it is ("inputShape: from its use as a shape"). */
  guessReasons(proposal: ArgumentProposal): string[];
  /** The module variables as an editable JS object literal, and where their values came from. */
  describeModuleVariables(proposal: ModuleVariablesProposal): { text: string; detail: string };
}

let loaded: Promise<SanityAnalysis> | undefined;

/**
 * Finding builders and proposing arguments parse code, so they run where the rest of the analysis
 * runs (the analysis thread, see core-loader.ts); formatting is cheap and stays here. Cached.
 */
export function loadSanityAnalysis(): Promise<SanityAnalysis> {
  loaded ??= Promise.all([loadCore(), import('../../core/analysis/arguments/argument-proposals')]).then(([core, proposals]) => ({
    findModelBuilders: (code, fileName) => core.findModelBuilders(code, fileName),
    proposeArguments: (input) =>
      core.proposeArguments(input.builder, { file: input.fileName, code: input.code }, { files: input.packageFiles, ...(input.lastRun ? { lastRun: input.lastRun } : {}) }),
    formatArguments: (values) => proposals.formatArgumentList([...values]),
    describeProposal: (proposal) => proposals.formatArgumentProposal(proposal).detail,
    guessReasons: (proposal) => proposals.guessReasons(proposal.sources),
    describeModuleVariables: (proposal) => proposals.formatModuleVariables(proposal),
  }));
  return loaded;
}
