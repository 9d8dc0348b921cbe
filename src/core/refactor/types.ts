/**
 * Contract of the refactorings (design.md): a pure function from `{ code, fileName, range? }` to text
 * edits or a reason. Adapters apply the edits (one WorkspaceEdit in VS Code; an atomic write in the CLI)
 * and create `layerFile` when it does not exist yet. Fields may be added, never renamed.
 */

export interface TextEdit {
  /** 0-based UTF-16 offsets into the original text, end exclusive. Edits never overlap. */
  start: number;
  end: number;
  newText: string;
}

export interface OffsetRange {
  start: number;
  end: number;
}

export interface RefactorInput {
  code: string;
  /** Absolute path; its extension decides TS/JS and its contents ESM/CommonJS. */
  fileName: string;
  /** Only usages intersecting this range (a cursor is an empty range); the whole file when absent. */
  range?: OffsetRange;
  /** Absolute path of the vendored layer file this file should import (see resolveLayerFilePath). */
  layerFilePath: string;
  /** `layerFilePath` comes from the user's setting (`--layer-path`): browser scripts use its folder too. */
  layerFileConfigured?: boolean;
  /**
   * Conversion only: the layer's npm package, when the project depends on it (layerPackageOf). Modules
   * then import from it and no layer file is created; browser scripts on the global `tf` still get the
   * vendored browser script, which their page loads.
   */
  layerPackage?: string;
  /**
   * Conversion only: tfjs's types are installed for this file (hasTfjsTypes). A converted browser script
   * then also gets `layerTypesFile`, the declarations that type `tf.runningBatchNorm` on the global `tf`.
   */
  browserTypes?: boolean;
  /**
   * Conversion only: RunningBatchNorm args (JSON values) written into converted calls that have no
   * arguments (`()` or `({})`). Calls with arguments keep exactly what the user wrote. None by default.
   */
  defaultArgs?: Record<string, unknown>;
}

export interface SkippedUsage {
  line: number;
  reason: string;
}

/** The vendored layer file that the converted code imports; create it if it does not exist. */
export interface LayerFileToCreate {
  path: string;
  content: string;
}

export type RefactorResult =
  | {
      kind: 'edits';
      edits: TextEdit[];
      converted: number;
      skipped: SkippedUsage[];
      layerFile?: LayerFileToCreate;
      /** 1-based lines of the converted calls in the text AFTER the edits (an added import shifts them). */
      lines?: number[];
      /**
       * The converted code uses the layer through the browser global `tf` (`layerFile` is the browser
       * script): every HTML page that loads this file needs the layer's <script> tag after tfjs's.
       */
      globalTf?: boolean;
      /** With `globalTf` and `browserTypes`: `running-batch-norm.browser.d.ts` beside the layer script; create it if missing. */
      layerTypesFile?: LayerFileToCreate;
    }
  | { kind: 'notApplicable'; reason: string };
