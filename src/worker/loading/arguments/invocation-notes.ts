/**
 * The notes a build gets when the model was not reached by a plain call: a model the module builds
 * at its top level, a class the analysis did not see, arguments left undefined, and the packages
 * that are not installed and the user's own files that are missing, which got a stand-in so the
 * module could load (module-loader.ts).
 */
import type { BuilderParameter } from '../../../core/analysis/types';
import * as path from 'node:path';
import { firstMissingPackageImporter, missingFilesStoodIn, missingPackagesStoodIn, resetMissingPackagesStoodIn, type MissingFile } from '../missing-modules';
import { installAdvice } from '../install-advice';
import { uncheckedSubmoduleOf } from '../missing-files';
import { localFetchNote, localFetchUses } from '../page/local-fetch';
import { listOf } from '../page/browser-stand-ins';

/** A class (not a plain function): calling it without `new` throws. */
export function isClassValue(value: unknown): boolean {
  return typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
}

export function moduleLevelModelNote(name: string): string {
  return `${name} is a model the module builds when it loads (no builder function): sanity-train trains that model`;
}

/** "createGridNetwork takes 3 arguments (h, w, numActions); got 1: w and numActions ran as undefined". */
export function fewerArgumentsNote(label: string, own: BuilderParameter[], given: number): string {
  const left = own.slice(given).filter((p) => !p.optional).map((p) => p.name);
  const names = listOf(left);
  return `${label} takes ${own.length} argument${own.length === 1 ? '' : 's'} (${own.map((p) => p.name).join(', ')}); got ${given}: ${names} ran as undefined, as JavaScript passes them`;
}

export function resetMissingPackages(): void {
  resetMissingPackagesStoodIn();
}

/** What the module needed that this machine does not have, or has elsewhere: missing packages and files, files fetched by relative URL. */
export function loadingNotes(): string[] {
  const fetched = localFetchNote(localFetchUses());
  return [...packageNotes(), ...missingFileNotes(missingFilesStoodIn()), ...(fetched ? [fetched] : [])];
}

/**
 * One note per importer: "./models/RES8 and 7 more files that weights.js imports are missing: …; they
 * lie in the git submodule models, which is not checked out (git submodule update --init models)".
 */
export function missingFileNotes(files: readonly MissingFile[]): string[] {
  const byImporter = new Map<string, MissingFile[]>();
  for (const file of files) {
    byImporter.set(file.importer, [...(byImporter.get(file.importer) ?? []), file]);
  }
  return [...byImporter.entries()].map(([importer, group]) => {
    const one = group.length === 1;
    const what = one ? group[0].request : `${group[0].request} and ${group.length - 1} more file${group.length === 2 ? '' : 's'}`;
    const submodule = uncheckedSubmoduleOf(group[0].absolute);
    const where = submodule ? `; ${one ? 'it lies' : 'they lie'} in the git submodule ${submodule.folder}, which is not checked out (git submodule update --init ${submodule.folder})` : '';
    return `${what} that ${path.basename(importer)} imports ${one ? 'is' : 'are'} missing: the module loaded with ${one ? 'an inert stand-in' : 'inert stand-ins'}${where}`;
  });
}

/**
 * A failure of a module that loaded only thanks to stand-ins (missing packages or files) says so: the
 * stand-in may be why it failed ("user code threw: ENOENT …" after a missing unzipper did nothing).
 */
export function withLoadingNotes(message: string): string {
  const missing = loadingNotes();
  return missing.length > 0 ? `${message} (${missing.join('; ')})` : message;
}

/**
 * "plotly.js and pako are not installed: the module loaded with inert stand-ins for them (if the model
 * needs them, the dependencies of /repo/package.json list them: run `npm install` in /repo)".
 */
function packageNotes(): string[] {
  const names = missingPackagesStoodIn();
  if (names.length === 0) {
    return [];
  }
  const one = names.length === 1;
  return [`${listOf(names)} ${one ? 'is' : 'are'} not installed: the module loaded with ${one ? 'an inert stand-in' : 'inert stand-ins'} for ${one ? 'it' : 'them'} (if the model needs ${one ? 'it' : 'them'}, ${installAdvice(names, firstMissingPackageImporter())})`];
}

/**
 * Values typed as arguments are plain data, so a method the builder calls on them (`data.getXSize()`)
 * is missing: the advice says how to type one. Undefined for other errors, and when nothing was typed.
 */
export function typedMethodNote(err: unknown, typed: boolean): string | undefined {
  const match = typed && err instanceof TypeError ? /^(?:([\w$]+)\.)*([\w$]+) is not a function$/.exec(err.message) : undefined;
  if (!match) {
    return undefined;
  }
  const [, holder, method] = match;
  if (holder === 'layers' || match[0].startsWith('tf.')) {
    // tfjs's own namespace lacks it (`tfjsBackend.layers.relu`): the failure's hint says so, no typed value is involved.
    return undefined;
  }
  if (LIST_METHODS.has(method)) {
    // `hiddenUnits.forEach(…)`: the value is a list, not an object with a method.
    return `${holder ?? 'the value'} is used as a list (${method}()): type it as an array (e.g. [64, 32])`;
  }
  return `typed values hold no methods: type ${method}() as \`${method}: () => value\` (e.g. { ${method}: () => 24 })`;
}

/** Methods of an array that code calls on a list it was given. */
const LIST_METHODS = new Set(['forEach', 'map', 'filter', 'reduce', 'reduceRight', 'every', 'some', 'find', 'findIndex', 'flatMap', 'slice', 'concat', 'join', 'indexOf', 'includes', 'at']);
