/**
 * Analysis speed (issue 3): scan of a generated workspace of 1,000 files × 300 lines (2% with batch
 * norm), convert time per file, and single-file analysis latency of a 5,000-line file (median and p95
 * after warm-up). Prints JSON. Side by side in one process: the same scan with the text prefilter off
 * (every file parsed), to show what the prefilter buys.
 *
 *   npm run bench:analysis            # or: npx tsx bench/analysis-speed.ts [--files N] [--runs N]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeSource, clearAnalysisCache, parseAndFindUsages } from '../src/core/analysis';
import { getTypeScript } from '../src/core/analysis/typescript';
import { applyTextEdits, convertToRunningBatchNorm, resolveLayerFilePath } from '../src/core/refactor';
import { scanPaths } from '../src/cli/commands/scan';
import { collectSourceFiles, readSourceFile } from '../src/core/workspace';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const FILES = option('files', 1000);
const LINES = 300;
const RUNS = option('runs', 7);

/** A plausible 300-line model/utility file; `withBatchNorm` adds three batch-norm layers. */
function generateFile(index: number, lines: number, withBatchNorm: boolean): string {
  const out = [`import * as tf from '@tensorflow/tfjs';`, `import { helper${index % 7} } from './util';`, ''];
  let i = 0;
  while (out.length < lines - 8) {
    out.push(
      `/** Block ${i} of module ${index}. */`,
      `export function block${i}(units: number, rate = 0.1): tf.layers.Layer[] {`,
      `  const dense = tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heNormal' });`,
      `  const drop = tf.layers.dropout({ rate });`,
      `  const values = [1, 2, 3].map((v) => v * units + ${i}); // some arithmetic`,
      `  if (values.length > 2 && helper${index % 7}(values[0])) {`,
      `    console.log('block ${i}', values.join(','));`,
      `  }`,
      withBatchNorm && i % 12 === 0 ? `  return [dense, tf.layers.batchNormalization({ axis: -1 }), drop];` : `  return [dense, drop];`,
      `}`,
      '',
    );
    i++;
  }
  while (out.length < lines) {
    out.push(`export const constant${out.length} = ${out.length};`);
  }
  return `${out.join('\n')}\n`;
}

function makeWorkspace(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rbn-bench-'));
  const every = Math.round(1 / 0.02);
  for (let f = 0; f < FILES; f++) {
    const dir = path.join(root, 'src', `pkg${f % 20}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `module${f}.ts`), generateFile(f, LINES, f % every === 0));
  }
  fs.mkdirSync(path.join(root, 'node_modules', 'dep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'node_modules', 'dep', 'index.js'), generateFile(0, LINES, true));
  return root;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function stats(samples: number[]): { median: number; p95: number; min: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: round(at(0.5)), p95: round(at(0.95)), min: round(sorted[0]!) };
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

function main(): void {
  const root = makeWorkspace();
  const typescriptLoadMs = time(() => getTypeScript());

  // Workspace scan through the CLI's own path (walk + safe read + prefilter + analysis).
  let found = 0;
  const scanMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    clearAnalysisCache();
    scanMs.push(time(() => (found = scanPaths(['.'], root).files.reduce((n, f) => n + f.usages.length, 0))));
  }

  // Same walk and reads, but every file parsed (no prefilter), to show what the prefilter saves.
  const files = collectSourceFiles(['.'], root).files;
  const parseAllMs: number[] = [];
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    parseAllMs.push(time(() => files.forEach((f) => { const read = readSourceFile(f); if (read.ok) { parseAndFindUsages(read.text, f); } })));
  }

  // Convert time per file (the files with batch norm).
  const bnFiles = files.filter((f) => analyzeSource(fs.readFileSync(f, 'utf8'), f).usages.length > 0);
  const convertMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    for (const file of bnFiles) {
      const code = fs.readFileSync(file, 'utf8');
      convertMs.push(time(() => {
        const result = convertToRunningBatchNorm({ code, fileName: file, layerFilePath: resolveLayerFilePath({ fileName: file }) });
        if (result.kind === 'edits') {
          applyTextEdits(code, result.edits);
        }
      }));
    }
  }

  // Single-file analysis latency, 5,000 lines.
  const big = generateFile(1, 5000, true);
  const bigName = path.join(root, 'big.ts');
  // Every iteration analyses a different text (a changed last line), as an editor does while typing;
  // analyzeSource caches the last result per file, so the same text would measure the cache.
  const edited = (i: number): string => `${big}// edit ${i}\n`;
  for (let w = 0; w < 15; w++) {
    analyzeSource(edited(-w - 1), bigName);
  }
  // Interleaved with a bare compiler parse (parents linked) of the same text: the ratio survives noise.
  const ts = getTypeScript();
  const singleMs: number[] = [];
  const parseOnlyMs: number[] = [];
  let bigUsages = 0;
  for (let r = 0; r < 60; r++) {
    const text = edited(r);
    singleMs.push(time(() => (bigUsages = analyzeSource(text, bigName).usages.length)));
    parseOnlyMs.push(time(() => ts.createSourceFile(bigName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)));
  }
  const repeatMs: number[] = [];
  for (let r = 0; r < 60; r++) {
    repeatMs.push(time(() => analyzeSource(edited(59), bigName)));
  }

  const scan = stats(scanMs);
  const parseAll = stats(parseAllMs);
  const single = stats(singleMs);
  const parseOnly = stats(parseOnlyMs);
  fs.rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify({
    machine: { cpus: os.cpus().length, node: process.version, loadavg1m: round(os.loadavg()[0]!) },
    workspace: { files: files.length, linesPerFile: LINES, filesWithBatchNorm: bnFiles.length, usagesFound: found },
    typescriptLoadMs: round(typescriptLoadMs),
    scanMs: scan,
    scanWithoutPrefilterMs: parseAll,
    prefilterSpeedup: round(parseAll.median / scan.median),
    convertMsPerFile: stats(convertMs),
    singleFile5000Lines: { ...single, usages: bigUsages, bytes: big.length },
    compilerParseOnly5000LinesMs: parseOnly,
    sameTextAgain5000LinesMs: stats(repeatMs),
    analysisOverParseRatio: round(single.median / parseOnly.median),
    targets: { scanMs: 1000, singleFileMedianMs: 30, scanMet: scan.median <= 1000, singleFileMet: single.median <= 30 },
  }, null, 2));
}

main();
