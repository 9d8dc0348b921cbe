/**
 * "Sanity-train" and "Compare BatchNorm vs RunningBatchNorm" lenses above each model builder; in
 * Restricted Mode one "Sanity-train (trust this folder to run)" lens each, which opens the trust
 * editor. Cheap by construction: files that never mention tfjs are skipped without parsing, results
 * are cached per document version, the analysis is awaited (it may run off this thread), and the
 * provider never throws.
 */
import * as vscode from 'vscode';
import { sanityLensSpecs, type BuilderFinder, type SanityLensSpec } from './lens-specs';

export const SANITY_LENS_SELECTOR: vscode.DocumentSelector = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].map(
  (language) => ({ language, scheme: 'file' }),
);

export class SanityLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly cache = new Map<string, { version: number; trusted: boolean; specs: Promise<SanityLensSpec[]> }>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * @param findBuilders the analysis.
   * @param isEnabled the `runningBatchNorm.sanity.codeLens` setting.
   */
  constructor(
    private readonly findBuilders: BuilderFinder,
    private readonly isEnabled: (document: vscode.Uri) => boolean,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      // Once the user trusts the folder, the trust lenses turn into the real ones.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('runningBatchNorm.sanity')) {
          this.changed.fire();
        }
      }),
    ];
  }

  async provideCodeLenses(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!this.isEnabled(document.uri)) {
      return [];
    }
    try {
      const specs = await this.specsFor(document);
      if (token?.isCancellationRequested) {
        return [];
      }
      return specs.map(
        (spec) =>
          new vscode.CodeLens(new vscode.Range(spec.line, 0, spec.line, 0), {
            title: spec.title,
            tooltip: spec.tooltip,
            command: spec.command,
            // The trust editor takes no arguments; the sanity commands take (uri, builderId).
            arguments: spec.command.startsWith('workbench.') ? [] : [document.uri, spec.builder],
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
    const trusted = vscode.workspace.isTrusted;
    const hit = this.cache.get(key);
    if (hit && hit.version === document.version && hit.trusted === trusted) {
      return hit.specs;
    }
    const specs = sanityLensSpecs(document.getText(), document.fileName, this.findBuilders, trusted);
    this.cache.set(key, { version: document.version, trusted, specs });
    return specs;
  }
}
