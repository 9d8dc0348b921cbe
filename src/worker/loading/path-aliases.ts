/**
 * Import aliases a bundler or the TypeScript compiler resolves and Node does not: a tsconfig's (or
 * jsconfig's) `compilerOptions.paths` (`"@/*": ["src/*"]`), SvelteKit's `$lib` (src/lib), the `@/`
 * that Vite and Vue CLI projects map to src/, and the packages of the same monorepo. Without them
 * `import { Board } from '$lib/types/game'` looks like a package that is not installed, and its
 * constants become inert stand-ins. Read once per project; pure apart from reading config files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutComments } from '../../core/analysis/comments';
import { workspaceCandidates } from './workspace-packages';

interface Alias {
  /** `@/` for `"@/*"`, or the whole request for an exact pattern. */
  prefix: string;
  exact: boolean;
  /** Absolute targets, in the config's order (`*` replaced by the rest of the request). */
  targets: string[];
}

const aliasesByRoot = new Map<string, Alias[]>();

/** The files `request` (made in `importer`) may stand for under the project's aliases, nearest first; empty when none applies. */
export function aliasCandidates(request: string, importer: string): string[] {
  if (request.startsWith('.') || path.isAbsolute(request)) {
    return [];
  }
  // Then a package of the same monorepo that is not installed (workspace-packages.ts).
  return [...projectAliasCandidates(request, importer), ...workspaceCandidates(request, importer)];
}

function projectAliasCandidates(request: string, importer: string): string[] {
  const root = projectRootOf(importer);
  if (root === undefined) {
    return [];
  }
  let aliases = aliasesByRoot.get(root);
  if (aliases === undefined) {
    aliases = readAliases(root);
    aliasesByRoot.set(root, aliases);
  }
  return aliases.flatMap((a) => {
    if (a.exact ? request !== a.prefix : !request.startsWith(a.prefix)) {
      return [];
    }
    const rest = a.exact ? '' : request.slice(a.prefix.length);
    return a.targets.map((t) => t.replace('*', rest));
  });
}

/** The nearest folder above the importer with a package.json or a tsconfig/jsconfig. */
function projectRootOf(file: string): string | undefined {
  for (let dir = path.dirname(file), depth = 0; depth < 12; dir = path.dirname(dir), depth++) {
    if (['package.json', 'tsconfig.json', 'jsconfig.json'].some((f) => fs.existsSync(path.join(dir, f)))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
  return undefined;
}

function readAliases(root: string): Alias[] {
  const aliases = [...configPaths(root, 'tsconfig.json'), ...configPaths(root, 'jsconfig.json')];
  const has = (prefix: string) => aliases.some((a) => a.prefix === prefix);
  if (!has('$lib/') && ['svelte.config.js', 'svelte.config.ts', 'svelte.config.mjs'].some((f) => fs.existsSync(path.join(root, f)))) {
    aliases.push({ prefix: '$lib/', exact: false, targets: [path.join(root, 'src', 'lib', '*')] }, { prefix: '$lib', exact: true, targets: [path.join(root, 'src', 'lib')] });
  }
  const bundler = /^(vite|vue|nuxt)\.config\.(js|ts|mjs|cjs|mts)$/;
  if (!has('@/') && fs.existsSync(path.join(root, 'src')) && safeList(root).some((f) => bundler.test(f))) {
    aliases.push({ prefix: '@/', exact: false, targets: [path.join(root, 'src', '*')] });
  }
  return aliases;
}

/** `compilerOptions.paths` of one config file (comments and trailing commas allowed, as tsc allows them). */
function configPaths(root: string, name: string): Alias[] {
  const file = path.join(root, name);
  let config: { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } };
  try {
    config = JSON.parse(withoutJsonComments(fs.readFileSync(file, 'utf8'))) as typeof config;
  } catch {
    return [];
  }
  const base = path.resolve(root, config.compilerOptions?.baseUrl ?? '.');
  return Object.entries(config.compilerOptions?.paths ?? {}).flatMap(([pattern, targets]) => {
    if (!Array.isArray(targets) || (pattern.includes('*') && !pattern.endsWith('*'))) {
      return [];
    }
    const exact = !pattern.endsWith('*');
    return [{ prefix: exact ? pattern : pattern.slice(0, -1), exact, targets: targets.filter((t) => typeof t === 'string').map((t) => path.resolve(base, t)) }];
  });
}

/** JSON with `//` and `/* *\/` comments and trailing commas, as tsconfig files are written. */
export function withoutJsonComments(text: string): string {
  return withoutComments(text).replace(/,(\s*[}\]])/g, '$1');
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
