/**
 * "Sanity-train" and "Compare BatchNorm vs RunningBatchNorm" lenses above each model builder; in
 * Restricted Mode one "Sanity-train (trust this folder to run)" lens each, which opens the trust
 * editor. Cheap by construction: files that never mention tfjs are skipped without parsing, results
 * are cached per document version, the analysis is awaited (it may run off this thread), and the
 * provider never throws.
 */
import * as vscode from 'vscode';
import { guessedLensSpecs, sanityLensSpecs, type BuilderFinder, type SanityLensSpec } from './lens-specs';

/** How long the provider waits for the analysis before it shows the lenses guessed from the text. */
const GUESS_AFTER_MS = 100;

/** Script files, and HTML pages (`.html`, `.htm`: the names the analysis reads as pages, not `.xhtml`) whose inline scripts build a model. */
export const SANITY_LENS_SELECTOR: vscode.DocumentSelector = [
  ...['typescript', 'javascript', 'typescriptreact', 'javascriptreact'].map((language) => ({ language, scheme: 'file' })),
  { language: 'html', scheme: 'file', pattern: '**/*.{html,htm,HTML,HTM}' },
];

/** The lenses of one document version: the analysis's promise, and its answer once it has come. */
interface LensEntry {
  version: number;
  trusted: boolean;
  specs: Promise<SanityLensSpec[]>;
  settled?: SanityLensSpec[];
}

export class SanityLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly cache = new Map<string, LensEntry>();
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
      const specs = await this.specsOrGuess(document);
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

  /**
   * The analysis's lenses, or, while it has not answered (the compiler loads when the first file opens),
   * the lenses guessed from the text, replaced in place by the real ones when they come (a lens that
   * arrives late would move the lines under the pointer). Edits keep the previous lenses in VS Code
   * meanwhile, so only a document's first answer is guessed.
   */
  private async specsOrGuess(document: vscode.TextDocument): Promise<SanityLensSpec[]> {
    const entry = this.specsFor(document);
    if (entry.settled || entry.version > 1) {
      return entry.specs;
    }
    const timer = new Promise<undefined>((resolve) => setTimeout(resolve, GUESS_AFTER_MS));
    const first = await Promise.race([entry.specs, timer]);
    if (first) {
      return first;
    }
    void entry.specs.then(() => this.changed.fire());
    return guessedLensSpecs(document.getText(), entry.trusted, document.fileName);
  }

  private specsFor(document: vscode.TextDocument): LensEntry {
    const key = document.uri.toString();
    const trusted = vscode.workspace.isTrusted;
    const hit = this.cache.get(key);
    if (hit && hit.version === document.version && hit.trusted === trusted) {
      return hit;
    }
    const specs = sanityLensSpecs(document.getText(), document.fileName, this.findBuilders, trusted);
    const entry: LensEntry = { version: document.version, trusted, specs };
    void specs.then((settled) => (entry.settled = settled));
    this.cache.set(key, entry);
    return entry;
  }
}
