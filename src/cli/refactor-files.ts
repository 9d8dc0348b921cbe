/**
 * `rbn convert` / `rbn revert` over files: read safely, refactor (pure), then write atomically, the layer
 * file first so no file ever imports a layer that is not there. Every file either gets its whole new
 * text or stays untouched; every failure is one line in that file's entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSource } from '../core/analysis';
import { applyTextEdits, convertToRunningBatchNorm, revertToBatchNormalization } from '../core/refactor';
import { collectSourceFiles, describeFsError, encodeSource, findHtmlPages, layerOptionsFor, planHtmlPages, planLayerFiles, readSourceFile, writeFileAtomic, type SourceText } from '../core/workspace';
import { unifiedDiff } from './diff';
import { displayPath } from './paths';

export type Direction = 'convert' | 'revert';

/** `rbn convert|revert --json` shape (issue 3): fields may be added, never renamed. */
export interface RefactorFilesJson {
  files: FileEntry[];
  /** The layer file the converted code imports (created now, or already there); null when none. */
  layerFile: string | null;
  /** Every layer file created (or, with --dry-run, that would be). */
  layerFilesCreated: string[];
  /** HTML pages whose <script> tags were updated for converted (or reverted) browser scripts. */
  htmlPages: string[];
  dryRun: boolean;
}

interface FileEntry {
  file: string;
  converted: number;
  skipped: { line: number; reason: string }[];
  error?: string;
  /** What the user must still do by hand (a converted browser script no HTML page loads: the tag and where). */
  note?: string;
  /** The npm package the converted file imports the layer from (its package.json depends on it), instead of a vendored copy. */
  layerPackage?: string;
}

interface Candidate {
  file: string;
  source: SourceText;
}

interface Pending extends Candidate {
  newText: string;
  layerPath?: string;
  /** Uses the layer through the browser global `tf` (its pages need the layer's script tag). */
  globalTf?: boolean;
}

interface PageWrite {
  path: string;
  oldText: string;
  newText: string;
}

/** Converts or reverts every source file under `paths`; writes unless `dryRun` (then returns a diff). */
export function refactorPaths(paths: string[], cwd: string, direction: Direction, opts: { dryRun: boolean; layerPath?: string; defaultArgs?: Record<string, unknown> }): { json: RefactorFilesJson; diff: string } {
  const entries = new Map<string, FileEntry>();
  const candidates = findCandidates(paths, cwd, direction, entries);
  const layerPlan = direction === 'convert' ? planLayerFiles(candidates.map((c) => c.file), cwd, opts.layerPath) : new Map<string, string>();
  const { pending, layersToCreate } = refactorCandidates(candidates, direction, layerPlan, entries, opts.defaultArgs, opts.layerPath !== undefined, opts.dryRun);
  const pages = pageWrites(pending, direction, entries, cwd);
  const layerFile = pending.find((p) => p.layerPath)?.layerPath;
  const json: RefactorFilesJson = {
    files: [...entries.values()],
    layerFile: layerFile ? displayPath(layerFile, cwd) : null,
    layerFilesCreated: [...layersToCreate.keys()].map((p) => displayPath(p, cwd)),
    htmlPages: pages.map((p) => displayPath(p.path, cwd)),
    dryRun: opts.dryRun,
  };
  if (opts.dryRun) {
    return { json, diff: dryRunDiff(pending, layersToCreate, cwd) + pages.map((p) => unifiedDiff(displayPath(p.path, cwd), p.oldText, p.newText)).join('') };
  }
  const failedLayers = writeAll(pending, layersToCreate, entries, cwd);
  json.htmlPages = writePages(pages, pending, entries, cwd);
  json.layerFilesCreated = json.layerFilesCreated.filter((p) => !failedLayers.has(p));
  return { json, diff: '' };
}

/** Reads and analyses every file; records errors and non-convertible usages; returns the files to edit. */
function findCandidates(paths: string[], cwd: string, direction: Direction, entries: Map<string, FileEntry>): Candidate[] {
  const collected = collectSourceFiles(paths, cwd);
  collected.errors.forEach((e) => entries.set(e.file, { file: displayPath(e.file, cwd), converted: 0, skipped: [], error: e.error }));
  const kind = direction === 'convert' ? 'batchNormalization' : 'runningBatchNorm';
  const candidates: Candidate[] = [];
  for (const file of collected.files) {
    const read = readSourceFile(file);
    if (!read.ok) {
      entries.set(file, { file: displayPath(file, cwd), converted: 0, skipped: [], error: read.error });
      continue;
    }
    const analysis = analyzeSource(read.text, file);
    const targets = analysis.usages.filter((u) => u.kind === kind);
    if (analysis.error || targets.length > 0) {
      const skipped = targets.filter((u) => !u.convertible).map((u) => ({ line: u.line, reason: u.reason ?? 'cannot be converted automatically' }));
      entries.set(file, { file: displayPath(file, cwd), converted: 0, skipped, ...(analysis.error ? { error: analysis.error } : {}) });
    }
    if (!analysis.error && targets.some((u) => u.convertible)) {
      candidates.push({ file, source: read });
    }
  }
  return candidates;
}

function refactorCandidates(candidates: Candidate[], direction: Direction, layerPlan: Map<string, string>, entries: Map<string, FileEntry>, defaultArgs?: Record<string, unknown>, layerPathSet = false, dryRun = false): { pending: Pending[]; layersToCreate: Map<string, string> } {
  const pending: Pending[] = [];
  const layersToCreate = new Map<string, string>();
  for (const { file, source } of candidates) {
    const input = { code: source.text, fileName: file, layerFilePath: layerPlan.get(file) ?? file, ...layerOptionsFor(file), defaultArgs, layerFileConfigured: layerPathSet };
    const result = direction === 'convert' ? convertToRunningBatchNorm(input) : revertToBatchNormalization(input);
    const entry = entries.get(file)!;
    if (result.kind === 'notApplicable') {
      entry.error ??= result.reason;
      continue;
    }
    entry.converted = result.converted;
    if (direction === 'convert' && input.layerPackage && !result.globalTf) {
      entry.layerPackage = input.layerPackage;
    }
    if (!dryRun) {
      entry.skipped = result.skipped; // their lines in the file as this command writes it
    }
    pending.push({ file, source, newText: applyTextEdits(source.text, result.edits), layerPath: result.layerFile?.path, ...(result.globalTf ? { globalTf: true } : {}) });
    for (const layer of [result.layerFile, result.layerTypesFile]) {
      if (layer && !fs.existsSync(layer.path) && !layersToCreate.has(layer.path)) {
        layersToCreate.set(layer.path, layer.content);
      }
    }
  }
  return { pending, layersToCreate };
}

/**
 * The HTML pages under the working folder that load a converted (reverted) browser script get the
 * layer's <script> tag added (removed); a converted script no page loads gets a note with the tag.
 */
function pageWrites(pending: Pending[], direction: Direction, entries: Map<string, FileEntry>, cwd: string): PageWrite[] {
  const scripts = pending.filter((p) => p.globalTf).map((p) => ({ file: p.file, ...(p.layerPath ? { layerFile: p.layerPath } : {}) }));
  if (scripts.length === 0) {
    return [];
  }
  const pages = findHtmlPages(cwd);
  const plan = planHtmlPages(pages, direction === 'convert' ? 'add' : 'remove', scripts, cwd);
  plan.unloaded.forEach((u) => {
    entries.get(u.file)!.note = u.message;
  });
  return plan.pages.map((edit) => {
    const oldText = pages.find((p) => p.path === edit.path)!.text;
    return { path: edit.path, oldText, newText: applyTextEdits(oldText, edit.edits) };
  });
}

/** Writes each page atomically unless a script it serves could not be written; returns the pages written. */
function writePages(pages: PageWrite[], pending: Pending[], entries: Map<string, FileEntry>, cwd: string): string[] {
  const failed = pending.some((p) => p.globalTf && entries.get(p.file)?.error);
  const written: string[] = [];
  for (const page of failed ? [] : pages) {
    try {
      if (fs.readFileSync(page.path, 'utf8') !== page.oldText) {
        throw new Error('changed on disk while converting');
      }
      writeFileAtomic(page.path, page.newText);
      written.push(displayPath(page.path, cwd));
    } catch (error) {
      const first = pending.find((p) => p.globalTf);
      if (first) {
        entries.get(first.file)!.note = `${displayPath(page.path, cwd)} not updated (${error instanceof Error ? error.message : String(error)})`;
      }
    }
  }
  return written;
}

/** Writes the layer files, then the source files; returns the layer files that could not be created. */
function writeAll(pending: Pending[], layers: Map<string, string>, entries: Map<string, FileEntry>, cwd: string): Set<string> {
  const failedLayers = new Set<string>();
  const layerErrors = new Map<string, string>();
  for (const [layerPath, content] of layers) {
    try {
      fs.mkdirSync(path.dirname(layerPath), { recursive: true }); // a configured --layer-path folder
      writeFileAtomic(layerPath, content);
    } catch (error) {
      layerErrors.set(layerPath, describeFsError(error, `cannot create the layer file ${displayPath(layerPath, cwd)}`));
      failedLayers.add(displayPath(layerPath, cwd));
    }
  }
  for (const p of pending) {
    const entry = entries.get(p.file)!;
    const error = (p.layerPath ? layerErrors.get(p.layerPath) : undefined) ?? writeOne(p);
    if (error) {
      entry.error = `${error}; file left unchanged`;
      entry.converted = 0;
    }
  }
  return failedLayers;
}

/** Writes one file unless it changed since it was read; returns an error message or undefined. */
function writeOne(p: Pending): string | undefined {
  try {
    if (fs.statSync(p.file).mtimeMs !== p.source.mtimeMs) {
      return 'changed on disk while converting';
    }
    writeFileAtomic(p.file, encodeSource(p.newText, p.source));
    return undefined;
  } catch (error) {
    return describeFsError(error, 'cannot write');
  }
}

function dryRunDiff(pending: Pending[], layers: Map<string, string>, cwd: string): string {
  const parts = [...layers].map(([layerPath, content]) => unifiedDiff(displayPath(layerPath, cwd), null, content));
  parts.push(...pending.map((p) => unifiedDiff(displayPath(p.file, cwd), p.source.text, p.newText)));
  return parts.join('');
}
