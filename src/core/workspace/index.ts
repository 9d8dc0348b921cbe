/** Files and folders for the CLI: walking, safe reading, atomic writing. Pure pieces (gitignore
 *  matching, decoding) can be reused by the VS Code adapter, which has its own workspace APIs. */
export { collectSourceFiles, describeFsError, isSourceFileName, isVendoredLayerFileName, SOURCE_EXTENSIONS, type CollectedFiles } from './source-files';
export { decodeSource, encodeSource, MAX_SOURCE_BYTES, readSourceFile, writeFileAtomic, type ReadResult, type SourceEncoding, type SourceText } from './source-text';
export { GitIgnore } from './gitignore';
export { commonFolder, packageRootOf, planLayerFiles } from './layer-plan';
export { hasTfjsTypes, layerOptionsFor, layerPackageOf } from './layer-dependency';
export { findHtmlPages, planHtmlPages } from './html-pages-plan';
