/**
 * "Sanity-train" and "Compare BatchNorm vs RunningBatchNorm" lenses above each model factory. Cheap by
 * construction: files that never mention tfjs are skipped without parsing, results are cached per
 * document version, and the provider never throws.
 */
import * as vscode from 'vscode';
import type { ModelFactory } from '../../core/analysis/types';
import { MAX_LENS_FILE_CHARS, mentionsTfjs, sanityLensSpecs, type SanityLensSpec } from './lens-specs';

export const SANITY_LENS_SELECTOR: vscode.DocumentSelector = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].map(
  (language) => ({ language, scheme: 'file' }),
);

export class SanityLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly cache = new Map<string, { version: number; specs: Promise<SanityLensSpec[]> }>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * @param findFactories the analysis (the extension runs it in the analysis thread).
   * @param isEnabled the `runningBatchNorm.sanity.codeLens` setting.
   */
  constructor(
    private readonly findFactories: (code: string, fileName: string) => ModelFactory[] | Promise<ModelFactory[]>,
    private readonly isEnabled: (document: vscode.Uri) => boolean,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      // Lenses appear once the user trusts the workspace (they are off in Restricted Mode).
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('runningBatchNorm.sanity')) {
          this.changed.fire();
        }
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.isTrusted || !this.isEnabled(document.uri)) {
      return [];
    }
    try {
      return (await this.specsFor(document)).map(
        (spec) =>
          new vscode.CodeLens(new vscode.Range(spec.line, 0, spec.line, 0), {
            title: spec.title,
            tooltip: spec.tooltip,
            command: spec.command,
            arguments: [document.uri, spec.factory],
          }),
      );
    } catch (error) {
      this.log?.warn(`Sanity-train lenses skipped for ${document.fileName}: ${String(error)}`);
      return [];
    }
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) {
      s.dispose();
    }
    this.cache.clear();
  }

  private specsFor(document: vscode.TextDocument): Promise<SanityLensSpec[]> {
    const key = document.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === document.version) {
      return hit.specs;
    }
    const specs = this.computeSpecs(document.getText(), document.fileName);
    this.cache.set(key, { version: document.version, specs });
    specs.catch(() => this.cache.get(key)?.specs === specs && this.cache.delete(key)); // retried next time
    return specs;
  }

  /** The same prefilter as sanityLensSpecs, before the (asynchronous) finder runs. */
  private async computeSpecs(code: string, fileName: string): Promise<SanityLensSpec[]> {
    const factories = code.length <= MAX_LENS_FILE_CHARS && mentionsTfjs(code) ? await this.findFactories(code, fileName) : [];
    return sanityLensSpecs(code, fileName, () => factories);
  }
}
