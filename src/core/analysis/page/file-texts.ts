/**
 * The analysis of a file as an editor holds it: an HTML page's text is read as its scripts
 * (page-scripts.ts) before the builder finder or the argument proposer sees it, as the CLI and the
 * worker read it. The page text keeps every offset, so a builder's line is the page's own line.
 * Only for whole files' texts: a text already turned into scripts must not be turned again.
 */
import { proposeArguments, type PackageFile, type ProposalOptions } from '../arguments/argument-proposals';
import { findModelBuilders } from '../builders/model-builders';
import type { ArgumentProposal, ModelBuilder } from '../types';
import { scriptCodeOf } from './page-scripts';

/** The model builders of a file (a page's inline scripts included), from its text as written. */
export function findModelBuildersInFile(text: string, fileName: string): ModelBuilder[] {
  return findModelBuilders(scriptCodeOf(fileName, text), fileName);
}

/** {@link proposeArguments} for files as written: the builder's own file and the package's pages are read as their scripts. */
export function proposeArgumentsInFile(builder: ModelBuilder, builderFile: PackageFile, options: ProposalOptions = {}): ArgumentProposal {
  const asScript = (f: PackageFile): PackageFile => ({ file: f.file, code: scriptCodeOf(f.file, f.code) });
  return proposeArguments(builder, asScript(builderFile), { ...options, ...(options.files ? { files: options.files.map(asScript) } : {}) });
}
