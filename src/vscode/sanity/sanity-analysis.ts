/**
 * The analysis sanity-train's editor side needs, loaded on first use (the TypeScript compiler behind
 * it is ~10 MB: activation must not pay for it). The lens provider and the command see only this
 * interface, so the analysis can move to a worker thread without them changing.
 */
import type { ArgumentProposal, ModelBuilder } from '../../core/analysis/types';
import type { RememberedCall } from './last-run-memory';

/** A file of the builder's package, for the call-site search. */
export interface PackageFile {
  fileName: string;
  code: string;
}

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

export interface SanityAnalysis {
  findModelBuilders(code: string, fileName: string): Promise<ModelBuilder[]>;
  proposeArguments(input: ProposalInput): Promise<ArgumentProposal>;
  /** The values as an editable JS array literal (what the argument box shows). */
  formatArguments(values: readonly unknown[]): string;
}

let loaded: Promise<SanityAnalysis> | undefined;

/** The analysis (cached after the first call). */
export function loadSanityAnalysis(): Promise<SanityAnalysis> {
  loaded ??= import('../../core/analysis/model-factories').then((factories) => ({
    findModelBuilders: async (code, fileName) =>
      factories.findModelFactories(code, fileName).map((f): ModelBuilder => ({
        id: f.name,
        kind: 'function',
        exported: f.exported,
        async: f.async,
        start: f.start,
        end: f.end,
        line: f.line,
        column: f.column,
        parameters: [],
      })),
    proposeArguments: async (input) => ({ args: input.lastRun?.args ?? [], ...(input.lastRun?.ctorArgs ? { ctorArgs: input.lastRun.ctorArgs } : {}), sources: [], summary: input.lastRun ? 'what you ran it with last time' : 'no parameters' }),
    formatArguments: (values) => JSON.stringify(values),
  }));
  return loaded;
}
