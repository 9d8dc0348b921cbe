// What the .vsix carries: only what runs (the bundles, the vendored packages, the webview's assets,
// snippets, walkthrough pages) plus the manifest, README (with the pictures it shows, which the extensions
// view resolves inside the installed extension), CHANGELOG and LICENSE. `npm run package`
// copies these into a staging folder and packs it; test/unit/packaging checks the list.
import fs from 'node:fs';
import path from 'node:path';

/** Files from the repository, relative to its root (the vendored packages are written separately). */
export const PACKAGED_FROM_REPOSITORY = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist/extension.js',
  'dist/analysis-thread.js',
  'dist/worker.js',
  // `Sanity-Train from Script`: preloaded into the user's program, and the session it runs there.
  'dist/capture-hook.js',
  'dist/capture-session.js',
  'media/icon.png',
  'media/report.css',
  'media/report.js',
  'media/report-layers.js',
  // The graph view's scripts: src/core/training/report/report-graph.ts's GRAPH_SCRIPTS (a unit test checks).
  'media/report-graph-data.js',
  'media/report-graph-draw.js',
  'media/report-graph-hover.js',
  'media/report-graph.js',
  'media/vendor/graph-layout.js',
  'media/vendor/chart.umd.min.js',
  'media/vendor/chart.js.LICENSE.md',
  'media/walkthrough/*.md',
  'media/screenshots/quality-chart.png',
  'media/screenshots/context-menu.png',
  'media/screenshots/workspace-preview.png',
  'media/screenshots/compare-interval.png',
  'media/screenshots/graph-1000.png',
  'snippets/*.json',
];

export const PACKAGE_LIMITS = { files: 300, bytes: 12 * 1024 * 1024 };

/** Expands the list (a `*` matches within one folder) against the repository; throws on a missing file. */
export function listRepositoryFiles(root) {
  return PACKAGED_FROM_REPOSITORY.flatMap((pattern) => {
    if (!pattern.includes('*')) {
      if (!fs.existsSync(path.join(root, pattern))) {
        throw new Error(`${pattern} is missing: run npm run build first`);
      }
      return [pattern];
    }
    const dir = path.posix.dirname(pattern);
    const re = new RegExp(`^${path.posix.basename(pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    const found = fs.readdirSync(path.join(root, dir)).filter((f) => re.test(f)).map((f) => `${dir}/${f}`);
    if (found.length === 0) {
      throw new Error(`nothing matches ${pattern}`);
    }
    return found.sort();
  });
}

/** Files that must never ship: sources, source maps, tests, docs and type declarations. */
export function forbiddenPackageFiles(files) {
  const allowedDocs = /^(README\.md|CHANGELOG\.md|media\/walkthrough\/[^/]+\.md|media\/vendor\/[^/]+\.LICENSE\.md)$/;
  return files.filter((f) => {
    const name = f.replace(/^extension\//, '');
    return (
      /\.(map|ts|tsx|mts|cts)$/.test(name) ||
      /(^|\/)(src|test|tests|bench|examples|\.e2e)\//.test(name) ||
      (/\.(md|markdown|html)$/i.test(name) && !allowedDocs.test(name))
    );
  });
}
