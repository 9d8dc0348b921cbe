#!/usr/bin/env node
/**
 * Precision and recall of sanity-train's NaN and explosion findings on a labelled set: the models of
 * test/fixtures/sanity/labelled/models.js (healthy* train normally, bad* explode or go NaN), each
 * trained once by the built CLI. Prints JSON (and writes --out). Sequential: the machine is shared.
 *
 *   node bench/false-alarms.mjs [--cli dist/cli.js] [--steps 60] [--timeout 20] [--out bench/results/false-alarms.json]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opts = { cli: path.join(root, 'dist', 'cli.js'), steps: 60, timeout: 20, out: undefined };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  opts[key] = key === 'cli' || key === 'out' ? path.resolve(process.argv[i + 1]) : Number(process.argv[i + 1]);
}
const file = path.join(root, 'test', 'fixtures', 'sanity', 'labelled', 'models.js');
const names = Object.keys(createRequire(import.meta.url)(file));
const rows = [];
for (const name of names) {
  const r = spawnSync(process.execPath, [opts.cli, 'sanity', file, '--model', name, '--json', '--steps', String(opts.steps), '--timeout', String(opts.timeout), '--backend', 'cpu', '--seed', '1'], { encoding: 'utf8', timeout: (opts.timeout + 90) * 1000, maxBuffer: 64 << 20 });
  let report;
  try { report = JSON.parse(r.stdout); } catch { report = undefined; }
  const run = report?.runs?.[0];
  const row = { name, label: name.startsWith('bad') ? 'bad' : 'healthy', ran: run !== undefined, steps: run?.steps ?? null, nan: run?.nan ? { step: run.nan.step, layer: run.nan.layer, cause: run.nan.cause ?? null } : null,
    exploding: (run?.exploding ?? []).map((e) => ({ step: e.step, layer: e.layer, measure: e.measure ?? 'weight', evidence: e.evidence ?? null })), growthSeen: (run?.growthSeen ?? []).length,
    accuracy: run?.accuracy ?? null, error: run?.error ?? (run ? null : (r.stderr ?? '').trim().split('\n').pop()) };
  row.found = row.nan !== null || row.exploding.length > 0;
  rows.push(row);
  process.stderr.write(`${name}: ${row.found ? (row.nan ? 'NaN' : 'explosion') : row.ran ? 'clean' : 'did not run'}\n`);
}
const healthy = rows.filter((r) => r.label === 'healthy' && r.ran);
const bad = rows.filter((r) => r.label === 'bad' && r.ran);
const truePositives = bad.filter((r) => r.found).length;
const falsePositives = healthy.filter((r) => r.found).length;
const summary = { healthy: healthy.length, bad: bad.length, falseAlarms: falsePositives, found: truePositives,
  precision: truePositives + falsePositives === 0 ? null : truePositives / (truePositives + falsePositives), recall: bad.length === 0 ? null : truePositives / bad.length,
  nanFound: bad.filter((r) => r.nan).length, explosionFound: bad.filter((r) => !r.nan && r.exploding.length > 0).length, steps: opts.steps, timeout: opts.timeout };
const out = JSON.stringify({ summary, rows }, null, 1);
if (opts.out) {
  fs.writeFileSync(opts.out, `${out}\n`);
}
process.stdout.write(`${JSON.stringify(summary)}\n`);
