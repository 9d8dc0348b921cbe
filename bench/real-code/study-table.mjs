#!/usr/bin/env node
/**
 * The generalisation study's table: both halves of bench/real-code/study-builders.json, from the
 * run-real-code.mjs outputs of each half (the test half run with --counts-only, so its reasons are
 * never written before the end), before and, when given, after the fixes.
 *
 *   node bench/real-code/study-table.mjs --before-dev a.json --before-test b.json [--after-dev c.json --after-test d.json] --out bench/results/study-x
 * Writes <out>.json and <out>.md.
 */
import * as fs from 'node:fs';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) {
  opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const read = (f) => (f ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined);
const runs = { before: { dev: read(opts['before-dev']), test: read(opts['before-test']) }, after: { dev: read(opts['after-dev']), test: read(opts['after-test']) } };

function counts(report) {
  if (!report) {
    return null;
  }
  const b = report.sanity.builders;
  const ran = (k) => b.filter((x) => x[k].result === 'ran').length;
  const alarms = b.filter((x) => [x.modelAlone, x.withArgs].some((r) => r.result === 'ran' && r.exploding)).length;
  return { builders: b.length, repos: new Set(b.map((x) => x.repo)).size, alone: ran('modelAlone'), withArgs: ran('withArgs'), explosionAlarms: alarms,
    steps: report.steps, timeout: report.timeout, cliCommit: report.cliCommit };
}

const table = {};
for (const when of ['before', 'after']) {
  for (const half of ['dev', 'test']) {
    table[`${when}-${half}`] = counts(runs[when][half]);
  }
}
const pct = (n, d) => (d ? `${n}/${d} (${Math.round((100 * n) / d)}%)` : '—');
const lines = ['| half | builders (repos) | run | ran with --model alone | ran with the user\'s arguments | explosion alarms on runs that trained |', '| --- | --- | --- | --- | --- | --- |'];
for (const [key, c] of Object.entries(table)) {
  if (c) {
    const [when, half] = key.split('-');
    lines.push(`| ${half} | ${c.builders} (${c.repos}) | ${when} (${c.cliCommit}) | ${pct(c.alone, c.builders)} | ${pct(c.withArgs, c.builders)} | ${c.explosionAlarms} |`);
  }
}
const rowLines = ['', '| half | repository | builder | before: alone / with args | after: alone / with args |', '| --- | --- | --- | --- | --- |'];
const describe = (r) => (r === undefined ? '—' : r.result === 'ran' ? `ran ${r.steps} steps${r.verdict && r.verdict !== 'healthy' ? ` (${r.verdict})` : ''}` : r.reason === undefined ? 'error' : `error: ${String(r.reason).replace(/^rbn sanity: /, '').replace(/ \[backend.*$/, '').replace(/\|/g, '\\|').slice(0, 140)}`);
for (const half of ['dev', 'test']) {
  const before = runs.before[half]?.sanity.builders ?? [];
  const after = runs.after[half]?.sanity.builders ?? [];
  for (const b of before) {
    const a = after.find((x) => x.repo === b.repo && x.builder === b.builder && x.file === b.file);
    rowLines.push(`| ${half} | ${b.repo} | ${b.builder} | ${describe(b.modelAlone)} / ${describe(b.withArgs)} | ${a ? `${describe(a.modelAlone)} / ${describe(a.withArgs)}` : '—'} |`);
  }
}
const settings = Object.values(table).find((c) => c);
const md = [`Settings: --steps ${settings?.steps}, --timeout ${settings?.timeout} s per run (a shorter budget than the default, the machine is shared), one run of each half; every study builder is a healthy model, so any explosion finding on a run that trained is a false alarm.`, '', ...lines, ...rowLines].join('\n');
fs.writeFileSync(`${opts.out}.json`, JSON.stringify({ table, runs }, null, 1) + '\n');
fs.writeFileSync(`${opts.out}.md`, md + '\n');
process.stdout.write(md + '\n');
