/**
 * Where the sanity-train CodeLenses go and what they say (pure: no `vscode`, so the placement logic is
 * unit-tested in plain Node; the provider only turns these specs into `vscode.CodeLens`es).
 */
import type { BuilderParameter, ModelBuilder } from '../../../core/analysis/types';
import { isHtmlPage, pageScriptBodies } from '../../../core/analysis/page/page-scripts';
import { guessBuilderLines } from './builder-line-guess';

/** The two commands a builder's lenses run; both take `(uri, builderId)`. */
export const SANITY_TRAIN_COMMAND = 'runningBatchNorm.sanityTrain';
export const SANITY_COMPARE_COMMAND = 'runningBatchNorm.sanityTrainCompare';
/** VS Code's own trust editor, which the Restricted Mode lens opens. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Bigger files (generated bundles, minified code) get no lenses: parsing them would lag the editor. */
export const MAX_LENS_FILE_CHARS = 1_000_000;

/**
 * The analysis the lenses need. Asynchronous so it can run off the extension host's thread (a worker)
 * without this module changing.
 */
export type BuilderFinder = (code: string, fileName: string) => Promise<ModelBuilder[]>;

export interface SanityLensSpec {
  /** 0-based line of the builder (where the lens sits). */
  line: number;
  title: string;
  tooltip: string;
  command: typeof SANITY_TRAIN_COMMAND | typeof SANITY_COMPARE_COMMAND | typeof MANAGE_TRUST_COMMAND;
  /** The builder's id ('name', 'Class.method', 'Class'). */
  builder: string;
}

/**
 * Cheap pre-filter so files that cannot hold a tfjs model never reach the parser: an import or require
 * of a tfjs package, or a call of a model builder on a `tf` global (script-tag tfjs).
 */
export function mentionsTfjs(code: string): boolean {
  return /@tensorflow\/tfjs|\btf\s*\.\s*(?:sequential|model|loadLayersModel)\s*\(/.test(code);
}

/** The parameters the user supplies: those that receive tfjs are filled in by the worker. */
export function userParameters(parameters: readonly BuilderParameter[] | undefined): BuilderParameter[] {
  return (parameters ?? []).filter((p) => !p.receivesTfjs);
}

/** How the builder reads in a lens tooltip or a prompt: `createNet(h, w)`, `Agent.build()`, `new Agent(n)`. */
export function builderSignature(builder: ModelBuilder): string {
  const list = (ps: readonly BuilderParameter[]) => ps.map((p) => p.name).join(', ');
  return builder.kind === 'constructor' ? `new ${builder.id}(${list(builder.parameters)})` : `${builder.id}(${list(builder.parameters)})`;
}

/**
 * Two lenses per builder ("Sanity-train", then "Compare BatchNorm vs RunningBatchNorm"), in source
 * order; in Restricted Mode one lens per builder that opens the trust editor instead. Never rejects:
 * a file the finder cannot handle gets no lenses.
 * @param findBuilders the analysis (injected so tests can pin its answer).
 * @param trusted whether the workspace is trusted (running user code needs it).
 */
export async function sanityLensSpecs(code: string, fileName: string, findBuilders: BuilderFinder, trusted = true): Promise<SanityLensSpec[]> {
  if (code.length > MAX_LENS_FILE_CHARS || !mentionsTfjs(code)) {
    return [];
  }
  let builders: ModelBuilder[];
  try {
    builders = await findBuilders(code, fileName);
  } catch {
    return [];
  }
  const ordered = [...builders].sort((a, b) => a.start - b.start);
  return ordered.flatMap((b) => (trusted ? trustedLenses(placeOf(b)) : [untrustedLens(placeOf(b))]));
}

/**
 * The lenses of {@link sanityLensSpecs} on the lines {@link guessBuilderLines} guesses from the text,
 * shown while the analysis has not answered so that its lenses, arriving on the same lines, move no
 * code; same titles and commands (a command run on a wrong guess names the file's builders). A page
 * is guessed from its script bodies only (its lines are the page's).
 */
export function guessedLensSpecs(code: string, trusted = true, fileName = ''): SanityLensSpec[] {
  if (code.length > MAX_LENS_FILE_CHARS || !mentionsTfjs(code)) {
    return [];
  }
  return guessBuilderLines(isHtmlPage(fileName) ? pageScriptBodies(code) : code).flatMap((g) => {
    const at = { line: g.line, id: g.id, signature: `${g.id}(…)`, asks: '' };
    return trusted ? trustedLenses(at) : [untrustedLens(at)];
  });
}

/** Where a builder's lenses go and how they describe it. */
interface LensPlace {
  /** 0-based. */
  line: number;
  id: string;
  signature: string;
  asks: string;
}

function placeOf(b: ModelBuilder): LensPlace {
  const asks = userParameters(b.parameters).length > 0 || userParameters(b.constructorParameters).length > 0 ? ' (you confirm the arguments first)' : '';
  return { line: b.line - 1, id: b.id, signature: builderSignature(b), asks };
}

function trustedLenses({ line, id, signature, asks }: LensPlace): SanityLensSpec[] {
  return [
    {
      line,
      title: '$(beaker) Sanity-train',
      tooltip: `Train ${signature} for a few seconds at a small batch size and report NaNs, exploding weights and accuracy${asks}`,
      command: SANITY_TRAIN_COMMAND,
      builder: id,
    },
    {
      line,
      title: 'Compare BatchNorm vs RunningBatchNorm',
      tooltip: `Train ${signature} as written and with every batch norm swapped in memory (same seed, same data); your file is not changed${asks}`,
      command: SANITY_COMPARE_COMMAND,
      builder: id,
    },
  ];
}

function untrustedLens({ line, id, signature }: LensPlace): SanityLensSpec {
  return {
    line,
    title: '$(shield) Sanity-train (trust this folder to run)',
    tooltip: `Sanity-train runs your code (${signature}), so it waits until you trust this folder. Click to manage workspace trust.`,
    command: MANAGE_TRUST_COMMAND,
    builder: id,
  };
}

/** A builder as the palette's quick pick lists it: id, then kind and line, then its parameters. */
export function builderPickItem(b: ModelBuilder): { label: string; description: string; detail: string } {
  const kind = { function: 'function', method: 'method', property: 'arrow-function property', constructor: 'class constructor' }[b.kind];
  const flags = [kind, `line ${b.line}`, b.async ? 'async' : undefined, b.exported ? undefined : 'not exported'].filter(Boolean).join(' · ');
  const own = b.parameters.map((p) => p.name + (p.receivesTfjs ? ' (tfjs)' : ''));
  const ctor = userParameters(b.constructorParameters).map((p) => p.name);
  const detail = [own.length > 0 ? `(${own.join(', ')})` : 'no parameters', ctor.length > 0 ? `constructor (${ctor.join(', ')})` : undefined].filter(Boolean).join(' · ');
  return { label: b.id, description: flags, detail };
}
