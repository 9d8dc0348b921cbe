/**
 * Proposes arguments for a builder, best first (issue 9): the values of the last run (the caller
 * passes them in), a call of the builder with literal arguments in its package (tests, scripts,
 * demos), the literal defaults in the signature, a constant of the parameter's type the package
 * declares (typed-constants.ts), then a guess from types, JSDoc and names (argument-guesses.ts).
 * Parameters that receive tfjs are left out: the worker fills them. Pure.
 */
import * as path from 'node:path';
import { guessArgument, type Guess, type GuessCode } from './argument-guesses';
import { findModelBuilders } from '../builders/model-builders';
import { findHelperFiles, quickImageShape, readDataHint, type DataHint } from './data-hint';
import { findCallSites, type CallSite, type CallSiteQuery, type PackageFile } from '../builders/call-sites';
import { evaluateLiteralText, NOT_LITERAL } from './literal-values';
import { proposeModuleVariables } from './module-variables';
import { proposeInstanceFields } from './instance-fields';
import { isInputStandIn, isLayerStandIn, isMethodStandIn, isModelArgument } from './model-arguments';
import { forwardedGuess, mergeFields, modelMembersOf } from './related-builders';
import { guessWithStandIn, proposeStandIn, type ParameterSite } from './stand-ins';
import { constantOfType, fillEmptyLists, hasEmptyList } from './typed-constants';
import { parseSourceFile } from '../builders/tfjs-bindings';
import type { ArgumentProposal, ArgumentProposalSource, BuilderParameter, ModelBuilder, ModuleVariablesProposal } from '../types';
import { withoutComments } from '../comments';

export type { PackageFile } from '../builders/call-sites';

export interface ProposalOptions {
  /** The package's other source files (the builder's own file is searched first either way). */
  files?: readonly PackageFile[];
  /** How a file is named in the sources' detail; defaults to its base name. */
  displayFile?: (file: string) => string;
  /** The values the user ran this builder with last time. */
  lastRun?: { args: unknown[]; ctorArgs?: unknown[]; moduleVars?: Record<string, unknown>; instanceVars?: Record<string, unknown> };
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
  const helpers = findHelperFiles(builderFile, files);
  const hint = readDataHint(builderFile.code, helpers);
  // Types the builder's file declares, then those of the files it imports (`type UNetArgs` from './u_net').
  const declarations = [builderFile.code, ...helpers.map((h) => h.code)].join('\n');
  // What the builder reads of its own parameters is in its own text; what a class reads of its
  // constructor's parameters may be anywhere in the file (`this.game = game` in the constructor).
  const region = builder.end > builder.start ? builderFile.code.slice(builder.start, builder.end) : builderFile.code;
  // Live objects (a game, an options bag read two levels deep, a layer's input) get a stand-in.
  const site = (ofConstructor: boolean): ParameterSite | undefined => (builder.end > builder.start ? { code: builderFile.code, fileName: builderFile.file, start: builder.start, end: builder.end, ofConstructor, ...(builder.className ? { className: builder.className } : {}) } : undefined);
  // Uses are read from the text: commented-out code (an old `inputShape: inputs`) is no use.
  const fileUses = withoutComments(builderFile.code);
  const ownScope: GuessScope = { hint, code: { uses: builder.kind === 'constructor' ? fileUses : withoutComments(region), declarations }, forwarded: (name) => forwardedGuess(name, region, builderFile, hint, declarations), site: site(builder.kind === 'constructor') };
  const own = proposeList(builder.parameters, { ...argsQuery(builder), modelMembers: modelMembersOf(builder, builderFile), builderFile: builderFile.file }, files, options.lastRun?.args, ownScope, display);
  const proposal: ArgumentProposal = { args: own.values, sources: own.sources, summary: '' };
  const unknown = [...own.unknown];
  if ((builder.kind === 'method' || builder.kind === 'property') && !builder.static) {
    const names = [builder.className, builder.localName].filter((n): n is string => n !== undefined);
    const ctor = proposeList(builder.constructorParameters ?? [], { names, kind: 'new', builderFile: builderFile.file }, files, options.lastRun?.ctorArgs, { hint, code: { uses: fileUses, declarations }, site: site(true) }, display);
    proposal.ctorArgs = ctor.values;
    proposal.sources.push(...ctor.sources.map((s) => ({ ...s, ofConstructor: true })));
    unknown.push(...ctor.unknown.map((n) => `new ${builder.className}(): ${n}`));
  }
  if (unknown.length > 0) {
    proposal.unknown = unknown;
  }
  proposal.summary = summarize(proposal.sources);
  if (builder.end > builder.start) {
    const parsed = parseSourceFile(builderFile.code, builderFile.file);
    const fileLabel = display(builderFile.file);
    const moduleVars = proposeModuleVariables(parsed, builder, { fileLabel, hint, ...(options.lastRun?.moduleVars ? { lastRun: options.lastRun.moduleVars } : {}) });
    // The builders of model arguments run on the same instance: their empty fields count too.
    const fieldOptions = { fileLabel, hint, ...(options.lastRun?.instanceVars ? { lastRun: options.lastRun.instanceVars } : {}) };
    const siblings = proposal.args.filter(isModelArgument).map((a) => findModelBuilders(builderFile.code, builderFile.file).find((b) => b.className === builder.className && b.memberName === a.$model));
    const instanceVars = mergeFields([builder, ...siblings].map((b) => (b ? proposeInstanceFields(parsed, b, fieldOptions) : undefined)));
    Object.assign(proposal, moduleVars ? { moduleVars } : {}, instanceVars ? { instanceVars } : {});
  }
  return proposal;
}

function argsQuery(builder: ModelBuilder): Omit<CallSiteQuery, 'tfjsPositions'> {
  const names = (list: (string | undefined)[]) => [...new Set(list.filter((n): n is string => n !== undefined))];
  if (builder.kind === 'constructor') {
    return { names: names([builder.className, builder.localName]), kind: 'new' };
  }
  if (builder.kind === 'method' || builder.kind === 'property') {
    return { names: names([builder.memberName]), kind: 'call', ...(builder.className ? { className: builder.className } : {}) };
  }
  return { names: names([builder.localName, builder.exportName, builder.id]), kind: 'call' };
}

/** What guesses read: the data the file's layers expect, and the code that uses the parameters. */
interface GuessScope {
  hint: DataHint;
  code: GuessCode;
  /** The guess for a parameter the builder hands on to another builder of its file (`modelGenerator(x, y, z)`). */
  forwarded?: (name: string) => Guess | undefined;
  /** Where the parameters are declared, for stand-ins of live objects. */
  site?: ParameterSite;
}

function proposeList(parameters: BuilderParameter[], query: Omit<CallSiteQuery, 'tfjsPositions'>, files: readonly PackageFile[], lastRun: unknown[] | undefined, scope: GuessScope, display: (f: string) => string): ListProposal {
  const own = parameters.filter((p) => !p.receivesTfjs);
  if (lastRun !== undefined) {
    return { values: lastRun, sources: own.slice(0, lastRun.length).map((p) => ({ parameter: parameterLabel(p.name), source: 'lastRun', detail: 'the last run' })), unknown: [] };
  }
  if (own.length === 0) {
    return { values: [], sources: [], unknown: [] };
  }
  const tfjsPositions = parameters.flatMap((p, i) => (p.receivesTfjs ? [i] : []));
  const picked = pickCallSite(findCallSites(files, { ...query, tfjsPositions }), own);
  const site = picked?.site;
  const siteDetail = picked === undefined ? '' : `${display(picked.site.file)}:${picked.site.line}${picked.why ? ` (${picked.why})` : ''}`;
  const out: ListProposal = { values: [], sources: [], unknown: [] };
  // Values for every parameter up to the last one that needs one; trailing optional ones stay out.
  // The worker checks the required count, so a call that passes fewer gets the rest from the fallbacks.
  const needed = lastIndexWhere(own, (p, i) => !p.optional || (site !== undefined && i < site.args.length) || literalDefault(p) !== NOT_LITERAL);
  for (const [i, p] of own.entries()) {
    if (i > needed || p.rest) {
      break;
    }
    const fromSite = site !== undefined && i < site.args.length && !(site.holes ?? []).includes(i);
    const placeholder = fromSite ? placeholderSize(site.args[i], p, scope) : undefined;
    if (placeholder) {
      out.values.push(placeholder.value);
      out.sources.push({ parameter: parameterLabel(p.name), source: 'guess', detail: `${placeholder.detail}: the call in ${siteDetail} passes ${String(site!.args[i])}, a placeholder (a size of ${String(site!.args[i])} builds no layer)` });
      continue;
    }
    const either = fromSite ? nullBesideALiveValue(site.args[i], site.holes, p, scope) : undefined;
    if (either) {
      out.values.push(either.value);
      out.sources.push({ parameter: parameterLabel(p.name), source: 'guess', detail: `${either.detail}: the call in ${siteDetail} passes null beside a value it makes as it runs, which it builds from instead` });
      continue;
    }
    if (fromSite) {
      const quick = quickened(site.args[i], scope.hint);
      out.values.push(quick.value);
      out.sources.push({ parameter: parameterLabel(p.name), source: 'callSite', detail: siteDetail + quick.note });
      continue;
    }
    const fallback = literalDefault(p);
    if (fallback !== NOT_LITERAL) {
      const quick = quickened(fallback, scope.hint);
      out.values.push(quick.value);
      out.sources.push({ parameter: parameterLabel(p.name), source: 'default', detail: `default in the signature${quick.note}` });
      continue;
    }
    const constant = constantOfType(p.typeText, files);
    if (constant) {
      // An app's starting state leaves the list its user fills empty (`layers: []`): the code's stand-in fills it.
      const standIn = scope.site === undefined || !hasEmptyList(constant.value) ? undefined : proposeStandIn(p, scope.site, scope.hint);
      const { value, filled } = fillEmptyLists(constant.value, standIn?.value);
      const notes = (standIn?.notes ?? []).filter((n) => filled.some((f) => n.startsWith(f)));
      const how = notes.length > 0 ? notes.join('; ') : `from what the code reads of ${filled.length === 1 ? 'its elements' : 'their elements'}`;
      const fills = filled.length === 0 ? '' : `; its empty ${filled.join(', ')} filled in (${how})`;
      out.values.push(value);
      out.sources.push({ parameter: parameterLabel(p.name), source: 'constant', detail: `${constant.name} in ${display(constant.file)}, of its type ${p.typeText!.trim()}${fills}` });
      continue;
    }
    const guess = guessWithStandIn(p, guessArgument(p, scope.hint, scope.code), scope.site, scope.hint) ?? scope.forwarded?.(p.name);
    out.values.push(guess ? guess.value : null);
    out.sources.push({ parameter: parameterLabel(p.name), source: 'guess', detail: guess ? guess.detail : 'no guess: replace null' });
    if (!guess) {
      out.unknown.push(p.name);
    }
  }
  return out;
}

/**
 * The guess for a size a call passes as 0 or less (`new ModelMLP(0)` before loading saved weights): no
 * layer builds with it, so the name's guess (a positive whole number) stands in; undefined otherwise.
 */
function placeholderSize(value: unknown, p: BuilderParameter, scope: GuessScope): Guess | undefined {
  if (typeof value !== 'number' || value > 0 || comparedWithNumbers(p.name, scope.code.uses ?? '')) {
    return undefined;
  }
  const guess = guessArgument(p, scope.hint, scope.code);
  // From the name, or from where the code puts it (a place in a shape it writes out, a layer's units).
  return guess && typeof guess.value === 'number' && Number.isInteger(guess.value) && guess.value > 0 && /\bthe name\b|^from its place in |^from its use as /.test(guess.detail) ? guess : undefined;
}

/**
 * The guess for a `null` a call passes beside a live value (`densenet(null, inputs)`: built from `inputs`
 * instead of a shape): the live value cannot be proposed, so the null is a placeholder too.
 */
function nullBesideALiveValue(value: unknown, holes: readonly number[] | undefined, p: BuilderParameter, scope: GuessScope): Guess | undefined {
  if (value !== null || holes === undefined || holes.length === 0) {
    return undefined;
  }
  return guessWithStandIn(p, guessArgument(p, scope.hint, scope.code), scope.site, scope.hint);
}

/** `netSize === 0`, `case 2:` under `switch (netSize)`: the number picks a variant, it is no size. */
function comparedWithNumbers(name: string, code: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    return false;
  }
  const n = name.replace(/\$/g, '\\$');
  return new RegExp(`(?<![\\w$.])${n}\\s*[!=]==?\\s*-?\\d|-?\\d+\\s*[!=]==?\\s*${n}(?![\\w$])|switch\\s*\\(\\s*${n}\\s*\\)`).test(code);
}

/**
 * The call to take the arguments from: among those that pass at least the required arguments and no
 * more than there are parameters (else those that pass some of them: JavaScript callers may leave
 * trailing ones out; the rest are then proposed from defaults and guesses), the best ranked: outside
 * tests first, then calls whose numbers are all positive (sizes), then the most frequent argument list.
 */
function pickCallSite(sites: CallSite[], own: BuilderParameter[]): PickedSite | undefined {
  const required = own.filter((p) => !p.optional).length;
  const notTooMany = (s: CallSite) => s.args.length <= own.length || own.some((p) => p.rest);
  const fits = (s: CallSite) => s.args.length >= required && notTooMany(s);
  const tiers = [sites.filter((s) => fits(s) && s.args.length > 0), sites.filter(fits), sites.filter((s) => notTooMany(s) && s.args.length > 0)];
  const candidates = tiers.find((tier) => tier.length > 0);
  if (candidates === undefined) {
    return undefined;
  }
  const frequency = new Map<string, number>();
  for (const s of candidates) {
    frequency.set(JSON.stringify(s.args), (frequency.get(JSON.stringify(s.args)) ?? 0) + 1);
  }
  // Its own class's `this.name(…)` is surely this builder (a call elsewhere may be another class's method
  // of the same name); then a call whose every argument is a literal says more than one with holes.
  const score = (s: CallSite) => [s.viaThis ? 1 : 0, s.holes === undefined ? 1 : 0, s.inTest ? 0 : 1, allPositive(s.args) ? 1 : 0, frequency.get(JSON.stringify(s.args)) ?? 0];
  const ranked = candidates.map((site, order) => ({ site, score: score(site), order })).sort((a, b) => compareScores(b.score, a.score) || a.order - b.order);
  const best = ranked[0];
  return { site: best.site, why: frequency.size > 1 ? whyPicked(best.score, candidates.length, candidates.some((c) => c.holes !== undefined)) : undefined };
}

interface PickedSite {
  site: CallSite;
  /** Why this call and not another, when the calls disagree. */
  why?: string;
}

function compareScores(a: number[], b: number[]): number {
  const i = a.findIndex((v, k) => v !== b[k]);
  return i < 0 ? 0 : a[i] - b[i];
}

function whyPicked([viaThis, complete, outsideTests, positive, times]: number[], calls: number, someWithHoles: boolean): string {
  const reasons = [viaThis ? 'its own class calls it' : '', complete && someWithHoles ? 'every argument a literal' : '', outsideTests ? 'outside tests' : '', positive ? 'positive sizes' : '', times > 1 ? `used ${times} times` : ''].filter((r) => r.length > 0);
  return `picked of ${calls} calls${reasons.length > 0 ? `: ${reasons.join(', ')}` : ''}`;
}

/** Every number in the list (nested too) is > 0: a zero or negative one is usually the invalid case. */
function allPositive(values: unknown): boolean {
  if (typeof values === 'number') {
    return values > 0;
  }
  if (Array.isArray(values)) {
    return values.every(allPositive);
  }
  return values === null || typeof values !== 'object' || Object.values(values).every(allPositive);
}

/** A big image shape made small for a quick run, with a note saying so (the rest as it is). */
function quickened(value: unknown, hint: DataHint): { value: unknown; note: string } {
  const quick = quickImageShape(value, hint);
  return quick === undefined ? { value, note: '' } : { value: quick, note: `, image ${formatArgumentList(value as unknown[])} made ${formatArgumentList(quick)} for a quick run` };
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

/**
 * A parameter as the messages name it: a destructuring pattern (`{ sequenceLen = 60, … }` over ten
 * lines) as its first names on one line, `{ sequenceLen, stateVectorLen, … }`.
 */
export function parameterLabel(name: string): string {
  const flat = name.replace(/\s+/g, ' ').trim();
  if (!/^[{[]/.test(flat) || flat.length <= 40) {
    return flat;
  }
  const names = [...flat.slice(1, -1).matchAll(/(?:^|,)\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  const [open, close] = flat.startsWith('{') ? ['{', '}'] : ['[', ']'];
  return `${open} ${[...names.slice(0, 2), '…'].join(', ')} ${close}`;
}

function describeSources(sources: ArgumentProposalSource[], prose: boolean): string {
  const parts: string[] = [];
  if (sources.some((s) => s.source === 'lastRun')) {
    parts.push(prose ? 'the last run' : 'last run');
  }
  const sites = [...new Set(sources.filter((s) => s.source === 'callSite').map((s) => s.detail))];
  // One call, some of whose values were made smaller, is named once, with its note.
  for (const detail of sites.filter((d) => !sites.some((other) => other !== d && other.startsWith(d)))) {
    parts.push(prose ? `the call in ${detail}` : `call in ${detail}`);
  }
  for (const s of sources.filter((x) => x.source === 'constant')) {
    parts.push(prose ? `the constant ${s.detail}` : `constant ${s.detail}`);
  }
  if (sources.some((s) => s.source === 'default')) {
    parts.push(prose ? 'the defaults in the signature' : 'defaults in the signature');
  }
  const guesses = sources.filter((s) => s.source === 'guess');
  const guessed = guesses.map((s) => s.parameter);
  if (guessed.length > 0) {
    // Stand-ins for live objects say so where the user reads the proposal.
    const named = guesses.map((s) => (/stand-in/.test(s.detail) ? `${s.parameter} (a stand-in)` : s.parameter));
    parts.push(prose ? `guesses for ${named.join(', ')}` : `guessed from the names and types (${guessed.join(', ')})`);
  }
  return prose ? parts.join(' and ') : parts.join('; ');
}

/**
 * Why each guessed value is what it is, one line a parameter ("inputShape: from its use as a shape"):
 * a guess the user should check before trusting the run, so the CLI and the argument box say it.
 */
export function guessReasons(sources: readonly ArgumentProposalSource[]): string[] {
  return [...new Set(sources.filter((s) => s.source === 'guess').map((s) => `${s.parameter}: ${s.detail}`))];
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

/**
 * The module variables as the editable JS object literal their box shows, and where they came from:
 * `{ text: '{ numberOfClasses: 10 }', detail: 'numberOfClasses from classes: 10 in core.ts:21' }`.
 */
export function formatModuleVariables(p: ModuleVariablesProposal): { text: string; detail: string } {
  const unknown = p.unknown && p.unknown.length > 0 ? `; no value found for ${p.unknown.join(', ')} (add it, or it stays undefined)` : '';
  return { text: formatLiteralValue(p.values), detail: `${p.summary}${unknown}` };
}

/** JSON values as a JS literal: `[[28, 28, 1], 'relu', { units: 8 }]`. */
export function formatArgumentList(values: unknown[]): string {
  return formatValue(values);
}

/** One JSON value as a JS literal (`{ numberOfClasses: 10 }`). */
export function formatLiteralValue(value: unknown): string {
  return formatValue(value);
}

function formatValue(value: unknown): string {
  // Stand-ins print as the JS they stand for, which the argument box and --args read back.
  if (isMethodStandIn(value)) {
    const returned = formatValue(value.$returns);
    return `() => ${returned.startsWith('{') ? `(${returned})` : returned}`;
  }
  if (isInputStandIn(value)) {
    return `tf.input({ shape: ${formatValue(value.$input)} })`;
  }
  if (isLayerStandIn(value)) {
    return `tf.layers.${value.$layer}(${value.config === undefined ? '' : formatValue(value.config)})`;
  }
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
