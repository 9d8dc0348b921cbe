/**
 * Module specifiers that name an npm package without being its bare name: Deno's `npm:` specifiers
 * (`npm:@tensorflow/tfjs@4.22.0`) and the CDN URLs browser and Deno modules import tfjs from
 * (`https://esm.sh/@tensorflow/tfjs@4.22.0`, `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/+esm`).
 * The analysis reads them as the package they name; the worker resolves `npm:` ones to the package.
 * Pure: no parser, no file system.
 */

/** `@scope/name@version/sub/path` or `name@version/sub/path`: the package, its version, the rest. */
const PACKAGE_PATH = /^((?:@[\w.-]+\/)?[\w.-]+)(?:@[^/?#]*)?(\/[^?#]*)?/;

/** The part of a CDN URL from a tfjs package on: `…/npm/@tensorflow/tfjs@4/+esm` → `@tensorflow/tfjs@4/+esm`. */
const TFJS_IN_URL = /^(?:https?:)?\/\/[^?#\s]*?\/(@tensorflow\/tfjs(?:-[a-z-]+)?(?:@[^/?#]*)?(?:\/[^?#]*)?)(?:[?#].*)?$/;

/** Whether a specifier only resolves as written (a Deno `npm:` specifier or a URL), not by Node's lookup of a bare name. */
export function isWrittenOnlySpecifier(specifier: string): boolean {
  return /^npm:|^(?:https?:)?\/\//.test(specifier);
}

/**
 * The bare package path a specifier names: `npm:@tensorflow/tfjs@4.22.0` → `@tensorflow/tfjs`,
 * `npm:lodash@4/fp` → `lodash/fp`, `https://esm.sh/@tensorflow/tfjs-node@4/dist/index.js` →
 * `@tensorflow/tfjs-node/dist/index.js`, `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/+esm` →
 * `@tensorflow/tfjs` (a CDN's own suffix is dropped). Any other specifier is returned as it is.
 */
export function bareSpecifier(specifier: string): string {
  if (specifier.startsWith('npm:')) {
    return packagePath(specifier.slice('npm:'.length).replace(/^\//, ''), true) ?? specifier;
  }
  const inUrl = TFJS_IN_URL.exec(specifier);
  return inUrl ? (packagePath(inUrl[1]!, false) ?? specifier) : specifier;
}

/** @param anyPath keep any path after the package (`npm:`); else only the package's own folders (a URL). */
function packagePath(text: string, anyPath: boolean): string | undefined {
  const match = PACKAGE_PATH.exec(text);
  if (!match) {
    return undefined;
  }
  // A CDN's own entry points (`/+esm`, `/es2022/tfjs.mjs` of esm.sh) are not paths of the package.
  const rest = match[2] !== undefined && (anyPath || /^\/(dist|src|lib)\//.test(match[2])) ? match[2] : '';
  return `${match[1]!}${rest}`;
}
