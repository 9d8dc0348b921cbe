/**
 * Proposes arguments for a builder, best first (issue 9): the values of the last run (the caller
 * passes them in), a call of the builder with literal arguments in its package (tests, scripts,
 * demos), the literal defaults in the signature, then a guess from types, JSDoc and names
 * (argument-guesses.ts). Parameters that receive tfjs are left out: the worker fills them. Pure.
 */
import * as path from 'node:path';
import { guessArgument, readDataHint, type DataHint } from './argument-guesses';
import { findCallSites, type CallSite, type CallSiteQuery, type PackageFile } from './call-sites';
import { evaluateLiteralText, NOT_LITERAL } from './literal-values';
import type { ArgumentProposal, ArgumentProposalSource, BuilderParameter, ModelBuilder } from './types';

export type { PackageFile } from './call-sites';
export { parseArgumentList } from './literal-values';

export interface ProposalOptions {
  /** The package's other source files (the builder's own file is searched first either way). */
  files?: readonly PackageFile[];
  /** How a file is named in the sources' detail; defaults to its base name. */
  displayFile?: (file: string) => string;
  /** The values the user ran this builder with last time. */
  lastRun?: { args: unknown[]; ctorArgs?: unknown[] };
}

interface ListProposal {
  values: unknown[];
  sources: ArgumentProposalSource[];
  unknown: string[];
}

/** The proposal for `builder` of `builderFile`. */
export function proposeArguments(builder: ModelBuilder, builderFile: PackageFile, options: ProposalOptions = {}): ArgumentProposal {
  const files = [builderFile, ...(options.files ?? []).filter((f) => f.file !== builderFile.file)];
  const display = options.displayFile ?? ((f: string) => path.basename(f));
  const hint = readDataHint(builderFile.code);
  const own = proposeList(builder.parameters, argsQuery(builder), files, options.lastRun?.args, hint, display);
  const proposal: ArgumentProposal = { args: own.values, sources: own.sources, summary: '' };
  const unknown = [...own.unknown];
  if ((builder.kind === 'method' || builder.kind === 'property') && !builder.static) {
    const names = [builder.className, builder.localName].filter((n): n is string => n !== undefined);
    const ctor = proposeList(builder.constructorParameters ?? [], { names, kind: 'new' }, files, options.lastRun?.ctorArgs, hint, display);
    proposal.ctorArgs = ctor.values;
    proposal.sources.push(...ctor.sources.map((s) => ({ ...s, ofConstructor: true })));
    unknown.push(...ctor.unknown.map((n) => `new ${builder.className}(): ${n}`));
  }
  if (unknown.length > 0) {
    proposal.unknown = unknown;
  }
  proposal.summary = summarize(proposal.sources);
  return proposal;
}

function argsQuery(builder: ModelBuilder): Omit<CallSiteQuery, 'tfjsPositions'> {
  const names = (list: (string | undefined)[]) => [...new Set(list.filter((n): n is string => n !== undefined))];
  if (builder.kind === 'constructor') {
    return { names: names([builder.className, builder.localName]), kind: 'new' };
  }
  if (builder.kind === 'method' || builder.kind === 'property') {
    return { names: names([builder.memberName]), kind: 'call' };
  }
  return { names: names([builder.localName, builder.exportName, builder.id]), kind: 'call' };
}

function proposeList(parameters: BuilderParameter[], query: Omit<CallSiteQuery, 'tfjsPositions'>, files: readonly PackageFile[], lastRun: unknown[] | undefined, hint: DataHint, display: (f: string) => string): ListProposal {
  const own = parameters.filter((p) => !p.receivesTfjs);
  if (lastRun !== undefined) {
    return { values: lastRun, sources: own.slice(0, lastRun.length).map((p) => ({ parameter: p.name, source: 'lastRun', detail: 'the last run' })), unknown: [] };
  }
  if (own.length === 0) {
    return { values: [], sources: [], unknown: [] };
  }
  const tfjsPositions = parameters.flatMap((p, i) => (p.receivesTfjs ? [i] : []));
  const site = pickCallSite(findCallSites(files, { ...query, tfjsPositions }), own);
  const out: ListProposal = { values: [], sources: [], unknown: [] };
  // Values for every parameter up to the last one that needs one; trailing optional ones stay out.
  // The worker checks the required count, so a call that passes fewer gets the rest from the fallbacks.
  const needed = lastIndexWhere(own, (p, i) => !p.optional || (site !== undefined && i < site.args.length) || literalDefault(p) !== NOT_LITERAL);
  for (const [i, p] of own.entries()) {
    if (i > needed || p.rest) {
      break;
    }
    if (site && i < site.args.length) {
      out.values.push(site.args[i]);
      out.sources.push({ parameter: p.name, source: 'callSite', detail: `${display(site.file)}:${site.line}` });
      continue;
    }
    const fallback = literalDefault(p);
    if (fallback !== NOT_LITERAL) {
      out.values.push(fallback);
      out.sources.push({ parameter: p.name, source: 'default', detail: 'default in the signature' });
      continue;
    }
    const guess = guessArgument(p, hint);
    out.values.push(guess ? guess.value : null);
    out.sources.push({ parameter: p.name, source: 'guess', detail: guess ? guess.detail : 'no guess: replace null' });
    if (!guess) {
      out.unknown.push(p.name);
    }
  }
  return out;
}

/**
 * The first call that passes at least the required arguments and no more than there are parameters;
 * else the first that passes some of them (JavaScript callers may leave trailing ones out; the rest are
 * then proposed from defaults and guesses).
 */
function pickCallSite(sites: CallSite[], own: BuilderParameter[]): CallSite | undefined {
  const required = own.filter((p) => !p.optional).length;
  const notTooMany = (s: CallSite) => s.args.length <= own.length || own.some((p) => p.rest);
  const fits = (s: CallSite) => s.args.length >= required && notTooMany(s);
  return sites.find((s) => fits(s) && s.args.length > 0) ?? sites.find(fits) ?? sites.find((s) => notTooMany(s) && s.args.length > 0);
}

function literalDefault(p: BuilderParameter): unknown {
  return p.defaultText === undefined ? NOT_LITERAL : evaluateLiteralText(p.defaultText);
}

function lastIndexWhere<T>(items: T[], test: (item: T, i: number) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (test(items[i], i)) {
      return i;
    }
  }
  return -1;
}

/** 'call in dqn_test.js:25', 'defaults in the signature', 'guessed from the names (h, w)'…, joined by '; '. */
export function summarize(sources: ArgumentProposalSource[]): string {
  return describeSources(sources, false) || 'no parameters';
}

function describeSources(sources: ArgumentProposalSource[], prose: boolean): string {
  const parts: string[] = [];
  if (sources.some((s) => s.source === 'lastRun')) {
    parts.push(prose ? 'the last run' : 'last run');
  }
  for (const detail of new Set(sources.filter((s) => s.source === 'callSite').map((s) => s.detail))) {
    parts.push(prose ? `the call in ${detail}` : `call in ${detail}`);
  }
  if (sources.some((s) => s.source === 'default')) {
    parts.push(prose ? 'the defaults in the signature' : 'defaults in the signature');
  }
  const guessed = sources.filter((s) => s.source === 'guess').map((s) => s.parameter);
  if (guessed.length > 0) {
    parts.push(prose ? `guesses for ${guessed.join(', ')}` : `guessed from the names and types (${guessed.join(', ')})`);
  }
  return prose ? parts.join(' and ') : parts.join('; ');
}

/**
 * The proposal as the editable JS array literal an input box shows, and where it came from:
 * `{ text: '[9, 9, 4]', detail: 'from the call in dqn_test.js:25' }`; `ctorText` for the constructor's.
 */
export function formatArgumentProposal(p: ArgumentProposal): { text: string; detail: string; ctorText?: string } {
  const from = describeSources(p.sources, true);
  const unknown = p.unknown && p.unknown.length > 0 ? `; no guess for ${p.unknown.join(', ')} (replace null)` : '';
  const out: { text: string; detail: string; ctorText?: string } = { text: formatArgumentList(p.args), detail: from ? `from ${from}${unknown}` : 'no parameters' };
  if (p.ctorArgs !== undefined) {
    out.ctorText = formatArgumentList(p.ctorArgs);
  }
  return out;
}

/** JSON values as a JS literal: `[[28, 28, 1], 'relu', { units: 8 }]`. */
export function formatArgumentList(values: unknown[]): string {
  return formatValue(values);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(formatValue).join(', ')}]`;
  }
  if (typeof value === 'string') {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${formatValue(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}
