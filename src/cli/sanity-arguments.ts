/**
 * `rbn sanity` without `--args`: picks the builder (the one `--model` names, else the first that can
 * run) and proposes its arguments from its package (the nearest folder with a package.json: calls
 * with literal arguments in any JS/TS file outside node_modules, then signature defaults, then
 * guesses), so the worker gets a complete call and the user sees where each value came from; the
 * same for the module variables the builder reads (`--module-vars`, see module-variables.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unrecognisedFunction } from '../core/analysis/builders/named-function';
import { readPropertiesOf } from '../core/analysis/arguments/property-reads';
import { shortenedArguments } from '../core/training/report/report-call';
import { formatArgumentList, formatArgumentProposal, formatLiteralValue, guessReasons, formatModuleVariables, parameterLabel, proposeArguments, summarize, type PackageFile } from '../core/analysis/arguments/argument-proposals';
import { builderNamed, findModelBuilders, pickDefaultBuilder } from '../core/analysis/builders/model-builders';
import type { ArgumentProposal, ModelBuilder, ModuleVariablesProposal } from '../core/analysis/types';
import type { SanityRequest } from '../core/training/protocol';
import { collectSourceFiles, findHtmlPages, readSourceFile } from '../core/workspace';
import { scriptCodeOf } from '../core/analysis/page/page-scripts';
import { findPackageRoot } from '../worker/launcher';
import { projectRoot } from '../worker/package-root';

/** More files than this in one package: the rest are not searched for call sites. */
const MAX_PACKAGE_FILES = 5000;

export interface CompletedRequest {
  request: SanityRequest;
  /** What the CLI tells the user about the arguments it chose (stderr), when it chose any. */
  message?: string;
  /** Why each guessed argument is what it is, a line each (stderr, under `message`). */
  guessNotes?: string[];
  /** The same for the module variables it set, when the builder reads any. */
  moduleVarsMessage?: string;
  /** The same for the instance fields it set, when a method builder reads empty ones. */
  instanceVarsMessage?: string;
  /** Set when no run can start: a one-line reason (exit 2). */
  error?: string;
}

/** Fills `model`, `args`, `ctorArgs`, `argsSource`, `moduleVars` and `moduleVarsSource` of a request the user left open. */
export function completeSanityRequest(request: SanityRequest, code: string): CompletedRequest {
  const builders = findModelBuilders(code, request.file);
  // A function the analysis does not recognise still has parameters to propose for.
  const named = request.model === undefined ? undefined : (builderNamed(builders, request.model) ?? unrecognisedFunction(code, request.file, request.model));
  if ((builders.length === 0 && !named) || (request.model !== undefined && !named)) {
    // The worker explains (no builder; an id the analysis cannot see): nothing to propose here.
    return { request: { ...request, ...givenSource(request) } };
  }
  const files = lazyPackageFiles(request.file);
  const proposals = new Map<ModelBuilder, ArgumentProposal>();
  const proposalOf = (b: ModelBuilder) => {
    const cached = proposals.get(b) ?? proposeArguments(b, { file: request.file, code }, { files: files(), displayFile: files.display });
    proposals.set(b, cached);
    return cached;
  };
  const builder = named ?? pickDefaultBuilder(builders, (b) => proposalOf(b).unknown === undefined)!;
  const completed = withReadsOfUnknown(completeArguments(request, builder, proposalOf, code), builder, code);
  // The module variables need no package search: only their own file can assign them.
  const { moduleVars, instanceVars } = proposals.get(builder) ?? proposeArguments(builder, { file: request.file, code });
  return completed.error ? completed : withVariables(withVariables(completed, moduleVars, 'module'), instanceVars, 'instance');
}

/**
 * "no value to propose for graph of modelMapper: pass --args (it reads graph.nodes, graph.edges)":
 * what the builder reads of a parameter nothing could fill says what kind of value it wants.
 */
function withReadsOfUnknown(completed: CompletedRequest, builder: ModelBuilder, code: string): CompletedRequest {
  const unknown = /^no value to propose for (.+?) of /.exec(completed.error ?? '')?.[1];
  if (unknown === undefined || builder.end <= builder.start) {
    return completed;
  }
  const region = code.slice(builder.start, builder.end);
  const reads = unknown.split(', ').flatMap((name) => {
    const read = readPropertiesOf(region, name);
    return [...(read?.needed ?? []), ...(read?.withFallback ?? [])].map((p) => `${name}.${p}`);
  });
  return reads.length === 0 ? completed : { ...completed, error: `${completed.error} (the builder reads ${reads.join(', ')}: a value its caller builds)` };
}

function completeArguments(request: SanityRequest, builder: ModelBuilder, proposalOf: (b: ModelBuilder) => ArgumentProposal, code: string): CompletedRequest {
  // Optional parameters alone need nothing: the builder's own defaults apply.
  const needsArgs = hasRequiredParameters(builder, 'args') && request.args === undefined;
  const needsCtor = hasRequiredParameters(builder, 'ctor') && request.ctorArgs === undefined;
  const out: SanityRequest = { ...request, model: builder.id };
  if (!needsArgs && !needsCtor) {
    return { request: { ...out, ...givenSource(request) } };
  }
  const full = proposalOf(builder);
  // Only the lists the user left open count (an --args list leaves the constructor's to propose).
  const proposal: ArgumentProposal = { ...full, sources: full.sources.filter((s) => (s.ofConstructor ? needsCtor : needsArgs)) };
  proposal.summary = summarize(proposal.sources);
  const unknown = full.unknown?.filter((n) => (n.startsWith('new ') ? needsCtor : needsArgs));
  proposal.unknown = unknown && unknown.length > 0 ? unknown : undefined;
  const open = proposal.unknown && withoutUnreadUnknowns(builder, proposal, code, needsArgs, needsCtor);
  if (open) {
    // As JavaScript runs a call that leaves them out: the worker's report says which ran as undefined.
    out.args = request.args ?? open.args;
    if (open.ctorArgs !== undefined || request.ctorArgs !== undefined) {
      out.ctorArgs = request.ctorArgs ?? open.ctorArgs;
    }
    const found: ArgumentProposal = { ...proposal, sources: proposal.sources.filter((src) => !open.names.includes(src.parameter)), unknown: undefined };
    found.summary = summarize(found.sources);
    out.argsSource = found.sources.length > 0 ? `${found.summary}; without a value: ${open.names.join(', ')}` : `without a value: ${open.names.join(', ')}`;
    const them = open.names.length === 1 ? 'it' : 'them';
    const detail = found.sources.length > 0 ? `${formatArgumentProposal(found).detail}; ` : '';
    return { request: out, ...guessNotesOf(found), message: `${describeCall(builder, out)}: ${detail}nothing proposes a value for ${open.names.join(', ')}, which the builder only hands on: it runs without ${them}; pass --args if the model needs ${them}` };
  }
  if (proposal.unknown) {
    const text = formatArgumentList(proposal.args);
    // A proposal of nulls alone says nothing; one with some values found shows where the holes are.
    const partial = proposal.args.some((v) => v !== null) ? ` (the proposal was '${text}', null where nothing was found)` : '';
    const names = proposal.unknown.map((n) => n.replace(/^(new [^:]+: )?([\s\S]*)$/, (_, prefix: string | undefined, name: string) => `${prefix ?? ''}${parameterLabel(name)}`));
    return { request: out, error: `no value to propose for ${names.join(', ')} of ${builder.id}: pass --args${partial}` };
  }
  out.args = request.args ?? proposal.args;
  if (proposal.ctorArgs !== undefined || request.ctorArgs !== undefined) {
    out.ctorArgs = request.ctorArgs ?? proposal.ctorArgs;
  }
  const given = givenSource(request).argsSource;
  out.argsSource = given ? `${given}; the rest: ${proposal.summary}` : proposal.summary;
  return { request: out, ...guessNotesOf(proposal), message: `${describeCall(builder, out)}: ${formatArgumentProposal(proposal).detail}` };
}

function guessNotesOf(proposal: ArgumentProposal): Pick<CompletedRequest, 'guessNotes'> {
  const notes = guessReasons(proposal.sources);
  return notes.length > 0 ? { guessNotes: notes } : {};
}

/**
 * The proposal for a builder that never dereferences its unknown parameters (`new MobileNetMini(data)`
 * hands `data` to its base class for training; a side stored as `this.side`): the last ones left out,
 * as a call without them runs, and one in the middle passed as null (the JSON a worker gets has no
 * undefined). Undefined when the builder reads something of one of them.
 */
function withoutUnreadUnknowns(builder: ModelBuilder, proposal: ArgumentProposal, code: string, needsArgs: boolean, needsCtor: boolean): { args: unknown[]; ctorArgs?: unknown[]; names: string[] } | undefined {
  const region = builder.end > builder.start ? code.slice(builder.start, builder.end) : undefined;
  const names = (proposal.unknown ?? []).map((n) => n.replace(/^new [^:]+: /, ''));
  // Never dereferenced (a member, an index, a call, a destructuring): only handed on, stored or compared.
  const unread = (name: string) => {
    if (region === undefined || !/^[A-Za-z_$][\w$]*$/.test(name)) {
      return false;
    }
    const n = name.replace(/\$/g, '\\$');
    return !new RegExp(`(?<![\\w$.])${n}\\s*(?:\\?\\.|\\.|\\[|\\()`).test(region) && !new RegExp(`[}\\]]\\s*=\\s*${n}(?![\\w$])`).test(region);
  };
  if (!names.every(unread)) {
    return undefined;
  }
  const trimmed = (values: unknown[]) => {
    let end = values.length;
    while (end > 0 && values[end - 1] === null) {
      end--;
    }
    return values.slice(0, end);
  };
  const args = needsArgs ? trimmed(proposal.args) : proposal.args;
  const ctorArgs = proposal.ctorArgs === undefined ? undefined : needsCtor ? trimmed(proposal.ctorArgs) : proposal.ctorArgs;
  return { args, ...(ctorArgs !== undefined ? { ctorArgs } : {}), names };
}

/** Module variables, or a method builder's empty instance fields: the request's keys, flag and words for each. */
const VARIABLE_KINDS = {
  module: { values: 'moduleVars', source: 'moduleVarsSource', message: 'moduleVarsMessage', flag: '--module-vars', words: 'module variables' },
  instance: { values: 'instanceVars', source: 'instanceVarsSource', message: 'instanceVarsMessage', flag: '--instance-vars', words: 'instance fields' },
} as const;

/**
 * The module variables (or instance fields) to set: the proposal, with what the flag gives on top
 * (names the builder does not read pass too; the worker checks that they exist).
 */
function withVariables(completed: CompletedRequest, proposal: ModuleVariablesProposal | undefined, kind: keyof typeof VARIABLE_KINDS): CompletedRequest {
  const keys = VARIABLE_KINDS[kind];
  const given = completed.request[keys.values];
  if (given === undefined && proposal === undefined) {
    return completed;
  }
  if (given !== undefined) {
    const rest = proposal?.sources.filter((s) => !(s.name in given)) ?? [];
    const source = rest.length === 0 ? `given with ${keys.flag}` : `given with ${keys.flag}; the rest: ${rest.map((s) => `${s.name} ${s.detail}`).join('; ')}`;
    const values = { ...(proposal?.values ?? {}), ...given };
    const typed = kind === 'instance' ? { instanceVarsTyped: Object.keys(given) } : {};
    return { ...completed, request: { ...completed.request, [keys.values]: values, [keys.source]: source, ...typed }, ...(rest.length > 0 ? { [keys.message]: `${keys.words} ${formatLiteralValue(values)}: ${source}` } : {}) };
  }
  const shown = formatModuleVariables(proposal!);
  const request: SanityRequest = { ...completed.request, [keys.values]: proposal!.values, [keys.source]: proposal!.summary };
  return { ...completed, request, [keys.message]: `${keys.words} ${shown.text}: ${shown.detail}${proposal!.unknown ? `; pass ${keys.flag}` : ''}` };
}

/** Whether the builder's own list (`args`) or its constructor's (`ctor`) has a parameter the user must fill. */
function hasRequiredParameters(builder: ModelBuilder, which: 'args' | 'ctor'): boolean {
  const list = which === 'args' ? builder.parameters : builder.kind === 'method' || builder.kind === 'property' ? (builder.constructorParameters ?? []) : [];
  return list.some((p) => !p.receivesTfjs && !p.optional);
}

function givenSource(request: SanityRequest): { argsSource?: string } {
  const flags = [request.args !== undefined ? '--args' : undefined, request.ctorArgs !== undefined ? '--ctor-args' : undefined].filter(Boolean);
  return flags.length > 0 ? { argsSource: `given with ${flags.join(' and ')}` } : {};
}

/** `createDeepQNetwork(9, 9, 4)`, `new Net(16).build([8])`, `new Agent(3)`; a long list shortened with "…" (the JSON report keeps it whole). */
export function describeCall(builder: Pick<ModelBuilder, 'kind' | 'id' | 'className' | 'memberName' | 'static' | 'factory'>, request: Pick<SanityRequest, 'args' | 'ctorArgs'>): string {
  const list = (values: unknown[] | undefined) => shortenedArguments(formatArgumentList(values ?? []).slice(1, -1));
  if (builder.kind === 'constructor') {
    return `new ${builder.className}(${list(request.args)})`;
  }
  if ((builder.kind === 'method' || builder.kind === 'property') && builder.className && !builder.static) {
    return `${builder.factory ? '' : 'new '}${builder.className}(${list(request.ctorArgs)}).${builder.memberName}(${list(request.args)})`;
  }
  return `${builder.id}(${list(request.args)})`;
}

/** The package's source files, read on first use (most runs need none). */
function lazyPackageFiles(file: string): (() => PackageFile[]) & { display: (f: string) => string } {
  // With no package.json above it (a copied folder), the project's checkout or the folder above the
  // file's: a builder's helpers in `../layers` say what data it takes.
  const packageRoot = findPackageRoot(file);
  const root = fs.existsSync(path.join(packageRoot, 'package.json')) ? packageRoot : projectRoot(file);
  let files: PackageFile[] | undefined;
  const get = () => {
    files ??= collectSourceFiles([root], root)
      .files.slice(0, MAX_PACKAGE_FILES)
      .flatMap((f) => {
        const read = readSourceFile(f);
        return read.ok ? [{ file: f, code: read.text }] : [];
      });
    // A page's scripts and event attributes call the builders of the scripts it loads (`onclick="buildModel(12)"`).
    files.push(...findHtmlPages(root).map((p) => ({ file: p.path, code: scriptCodeOf(p.path, p.text) })));
    return files;
  };
  return Object.assign(get, { display: (f: string) => path.relative(root, f) || path.basename(f) });
}
