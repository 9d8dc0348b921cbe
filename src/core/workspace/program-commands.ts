/**
 * The programs a workspace can sanity-train from (`rbn sanity --from`, "Sanity-Train from Script…"):
 * its package.json scripts, and its test files that build a model, each with the command that runs
 * it (pure: the editor places lenses and quick-pick items from these).
 */

export interface PackageScript {
  name: string;
  /** The script's own text, e.g. "node train.js". */
  script: string;
  /** What runs it: `npm run <name>`. */
  command: string;
  /** 0-based line of its entry in package.json (where a lens goes). */
  line: number;
}

/** The `test` script `npm init` writes, which runs nothing: never offered. */
const NPM_INIT_TEST = /^echo "Error: no test specified" && exit 1$/;

/** The entries of package.json's `scripts`, with their lines, but npm's placeholder test; [] when the text is not a package.json with scripts. */
export function findPackageScripts(text: string): PackageScript[] {
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    return [];
  }
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) {
    return [];
  }
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*"scripts"\s*:/.test(l));
  const out: PackageScript[] = [];
  for (const [name, script] of Object.entries(scripts as Record<string, unknown>)) {
    if (typeof script !== 'string' || NPM_INIT_TEST.test(script.trim())) {
      continue;
    }
    const key = JSON.stringify(name);
    const line = lines.findIndex((l, i) => i > start && new RegExp(`^\\s*${escapeRegExp(key)}\\s*:`).test(l));
    out.push({ name, script, command: `npm run ${/^[\w:.-]+$/.test(name) ? name : JSON.stringify(name)}`, line: Math.max(0, line) });
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Scripts worth offering first: those that train or test (the rest are listed after them). */
export function rankScripts(scripts: PackageScript[]): PackageScript[] {
  const score = (s: PackageScript) => (/train|fit/i.test(`${s.name} ${s.script}`) ? 0 : /test|spec|mocha|jest|jasmine|vitest/i.test(`${s.name} ${s.script}`) ? 1 : 2);
  return [...scripts].sort((a, b) => score(a) - score(b));
}

/** A test file by its name: *.test.js, *.spec.ts, *_test.js, or a file under a test/ or __tests__ folder. */
export function isTestFileName(relativeFile: string): boolean {
  const file = relativeFile.replace(/\\/g, '/');
  return /[._-](test|spec)\.[cm]?[jt]sx?$/.test(file) || /(^|\/)(test|tests|__tests__|spec)\/.+\.[cm]?[jt]sx?$/.test(file);
}

/** Whether a test file builds (or loads) a tfjs model: the lens goes only on those. */
export function buildsModel(code: string): boolean {
  return /@tensorflow\/tfjs/.test(code) && /\b(?:sequential|model|loadLayersModel)\s*\(|\.fit(?:Dataset)?\s*\(|\.trainOnBatch\s*\(/.test(code);
}

const RUNNERS: { dependency: string; command: (file: string) => string }[] = [
  { dependency: 'mocha', command: (f) => `npx mocha ${f}` },
  { dependency: 'jest', command: (f) => `npx jest ${f}` },
  { dependency: 'vitest', command: (f) => `npx vitest run ${f}` },
  { dependency: 'jasmine', command: (f) => `npx jasmine ${f}` },
  { dependency: 'ava', command: (f) => `npx ava ${f}` },
];

/** The command that runs one test file with the package's test runner (from its dependencies), else with node. */
export function testFileCommand(relativeFile: string, packageJsonText: string | undefined): string {
  const file = /^[\w./@-]+$/.test(relativeFile) ? relativeFile : JSON.stringify(relativeFile);
  let deps: Record<string, unknown> = {};
  try {
    const pkg = JSON.parse(packageJsonText ?? '{}') as { dependencies?: object; devDependencies?: object };
    deps = { ...pkg.dependencies, ...pkg.devDependencies };
  } catch {
    // no runner known
  }
  const runner = RUNNERS.find((r) => r.dependency in deps);
  return runner ? runner.command(file) : `node ${file}`;
}
