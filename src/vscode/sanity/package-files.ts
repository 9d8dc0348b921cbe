/**
 * The files of a builder's package that the call-site search reads: everything JS/TS (and HTML) under the nearest
 * package.json (else the workspace folder), node_modules excluded, capped, and only files that mention
 * the builder's name (a call cannot be anywhere else), read through workspace.fs so remote and virtual
 * workspaces work too.
 */
import * as vscode from 'vscode';
import type { ModelBuilder } from '../../core/analysis/types';
import { exists } from '../conversion/workspace-edit';
import { MAX_LENS_FILE_CHARS } from './lenses/lens-specs';
import type { PackageFile } from './sanity-analysis';

/** The search stops here: a monorepo root with a huge tree must not stall the run. */
export const MAX_PACKAGE_FILES = 2000;
// Pages too: the analysis reads a page's inline scripts (a demo page may call the builder).
const SOURCE_GLOB = '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,html,htm}';
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';
const READ_BATCH = 32;

/** The names a call of the builder may spell: its local and exported names, its class, its member name. */
export function calledNames(builder: ModelBuilder): string[] {
  const names = [builder.localName, builder.exportName, builder.className, builder.memberName, builder.id.split('.')[0]];
  return [...new Set(names.filter((n): n is string => n !== undefined && n !== 'default'))];
}

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
 * The package's files that mention the builder, other than `file` itself.
 * @param log where skipped files and a hit cap are noted.
 */
export async function findPackageFiles(file: vscode.Uri, builder: ModelBuilder, log?: vscode.LogOutputChannel): Promise<PackageFile[]> {
  const root = await packageRootOf(file);
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(root, SOURCE_GLOB), EXCLUDE_GLOB, MAX_PACKAGE_FILES);
  if (uris.length >= MAX_PACKAGE_FILES) {
    log?.info(`Argument search: read the first ${MAX_PACKAGE_FILES} files under ${root.fsPath}; calls in later files are not seen.`);
  }
  const names = calledNames(builder);
  const others = uris.filter((u) => u.toString() !== file.toString());
  const found: PackageFile[] = [];
  for (let i = 0; i < others.length; i += READ_BATCH) {
    const batch = await Promise.all(others.slice(i, i + READ_BATCH).map((u) => readIfMentions(u, names)));
    found.push(...batch.filter((f): f is PackageFile => f !== undefined));
  }
  return found;
}

async function readIfMentions(uri: vscode.Uri, names: readonly string[]): Promise<PackageFile | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.byteLength > MAX_LENS_FILE_CHARS) {
      return undefined;
    }
    const code = new TextDecoder().decode(bytes);
    return names.some((n) => code.includes(n)) ? { file: uri.fsPath, code } : undefined;
  } catch {
    return undefined; // deleted or unreadable meanwhile: it simply holds no call
  }
}
