/**
 * Which of a package's files a builder's argument proposal can use, so an editor that reads only
 * those (a big workspace) proposes what the command line does: files that call the builder, the files
 * its own file imports by a relative path (the helpers it calls, the interfaces of its parameters),
 * and files that name a type its parameters are written with (a `DEFAULT_CONFIG: ModelConfig`). Pure.
 */
import * as path from 'node:path';
import type { ModelBuilder } from '../types';
import { relativeImports } from './data-hint';
import { GLOBAL_TYPES } from './object-types';

export interface ProposalFileFilter {
  /** Whether the file at `file` (absolute), with text `code`, can matter to the proposal. */
  reads(file: string, code: string): boolean;
}

/** The filter for `builder` of the file at `builderFile` (absolute), whose text is `builderCode`. */
export function proposalFileFilter(builder: ModelBuilder, builderFile: string, builderCode: string): ProposalFileFilter {
  const names = [...calledNames(builder), ...parameterTypeNames(builder)];
  const imported = new Set(relativeImports(builderCode).map(({ specifier }) => stem(path.resolve(path.dirname(builderFile), specifier))));
  const mentions = names.length === 0 ? undefined : new RegExp(`(?<![\\w$])(?:${names.map(escape).join('|')})(?![\\w$])`);
  return {
    reads: (file, code) => imported.has(stem(file)) || (imported.has(path.dirname(file)) && /^index\./.test(path.basename(file))) || (mentions?.test(code) ?? false),
  };
}

/** The names a call of the builder may spell: its local and exported names, its class, its member name. */
export function calledNames(builder: ModelBuilder): string[] {
  const names = [builder.localName, builder.exportName, builder.className, builder.memberName, builder.id.split('.')[0]];
  return [...new Set(names.filter((n): n is string => n !== undefined && n !== 'default'))];
}

/** `config: ArchitectureConfig`, `layers: Lab.LayerSpec[]` → ArchitectureConfig, LayerSpec; tfjs's own types are no package's. */
function parameterTypeNames(builder: ModelBuilder): string[] {
  const texts = [...builder.parameters, ...(builder.constructorParameters ?? [])].map((p) => p.typeText ?? '');
  const names = texts.flatMap((t) => [...t.matchAll(/(?<![\w$.])(?:(?:tf|tfjs)\.[\w$.]+|(?:[A-Za-z_$][\w$]*\.)*([A-Z][\w$]*))/g)].map((m) => m[1]).filter((n): n is string => n !== undefined));
  return [...new Set(names.filter((n) => !GLOBAL_TYPES.has(n)))];
}

/** A path without its script extension: `./architecture` and `architecture.ts` meet there. */
function stem(file: string): string {
  return file.replace(/\.(?:[cm]?[jt]sx?)$/, '');
}

function escape(name: string): string {
  return name.replace(/\$/g, '\\$');
}
