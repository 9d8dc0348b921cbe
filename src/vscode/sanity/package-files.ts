/**
 * The files of a builder's package that its argument proposal reads: everything JS/TS (and HTML) under the
 * nearest package.json (else the workspace folder), node_modules excluded, capped, and only files that can
 * matter (core/analysis/arguments/proposal-files.ts: calls of the builder, the files its file imports, the
 * types of its parameters), read through workspace.fs so remote and virtual workspaces work too.
 */
import * as vscode from 'vscode';
import type { ModelBuilder } from '../../core/analysis/types';
import { proposalFileFilter, type ProposalFileFilter } from '../../core/analysis/arguments/proposal-files';
import { exists } from '../conversion/workspace-edit';
import { MAX_LENS_FILE_CHARS } from './lenses/lens-specs';
import type { PackageFile } from './sanity-analysis';

/** The search stops here: a monorepo root with a huge tree must not stall the run. */
export const MAX_PACKAGE_FILES = 2000;
// Pages too: the analysis reads a page's inline scripts (a demo page may call the builder).
const SOURCE_GLOB = '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,html,htm}';
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';
const READ_BATCH = 32;

/** The folder of the nearest package.json above `file`, not above its workspace folder; else that folder, else the file's own. */
export async function packageRootOf(file: vscode.Uri): Promise<vscode.Uri> {
  const folder = vscode.workspace.getWorkspaceFolder(file)?.uri;
  let dir = vscode.Uri.joinPath(file, '..');
  for (;;) {
    if (await exists(vscode.Uri.joinPath(dir, 'package.json'))) {
      return dir;
    }
    const parent = vscode.Uri.joinPath(dir, '..');
    if ((folder && dir.toString() === folder.toString()) || parent.toString() === dir.toString()) {
      return folder ?? vscode.Uri.joinPath(file, '..');
    }
    dir = parent;
  }
}

/**
 * The package's files that can matter to the builder's proposal, other than `file` itself (whose text is `code`).
 * @param log where skipped files and a hit cap are noted.
 */
export async function findPackageFiles(file: vscode.Uri, code: string, builder: ModelBuilder, log?: vscode.LogOutputChannel): Promise<PackageFile[]> {
  const root = await packageRootOf(file);
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(root, SOURCE_GLOB), EXCLUDE_GLOB, MAX_PACKAGE_FILES);
  if (uris.length >= MAX_PACKAGE_FILES) {
    log?.info(`Argument search: read the first ${MAX_PACKAGE_FILES} files under ${root.fsPath}; calls in later files are not seen.`);
  }
  const filter = proposalFileFilter(builder, file.fsPath, code);
  const others = uris.filter((u) => u.toString() !== file.toString());
  const found: PackageFile[] = [];
  for (let i = 0; i < others.length; i += READ_BATCH) {
    const batch = await Promise.all(others.slice(i, i + READ_BATCH).map((u) => readIfItMatters(u, filter)));
    found.push(...batch.filter((f): f is PackageFile => f !== undefined));
  }
  return found;
}

async function readIfItMatters(uri: vscode.Uri, filter: ProposalFileFilter): Promise<PackageFile | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > MAX_LENS_FILE_CHARS) {
      return undefined;
    }
    const code = new TextDecoder().decode(bytes);
    return filter.reads(uri.fsPath, code) ? { file: uri.fsPath, code } : undefined;
  } catch {
    return undefined; // deleted or unreadable meanwhile: it simply holds no call
  }
}
