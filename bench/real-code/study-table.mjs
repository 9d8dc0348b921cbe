#!/usr/bin/env node
/**
 * The generalisation study's table: both halves of the study sets (bench/real-code/study-builders.json
 * and later rounds), from the run-real-code.mjs outputs of each half (the test half run with
 * --counts-only, so its reasons are never written before the end), before and, when given, after
 * the fixes.
 *
 *   node bench/real-code/study-table.mjs --before-dev a.json --before-test b.json [--after-dev c.json --after-test d.json] --out bench/results/study-x
 *
 * Each of the four may name several run files, comma-separated or by repeating the flag (for
 * example round 1 and round 2 of the study, run from their own specs): their builders are
 * tabulated together, with a line per file when there are several. Writes <out>.json and <out>.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  const values = String(process.argv[i + 1] ?? '').split(',').filter(Boolean);
  opts[key] = key === 'out' ? process.argv[i + 1] : [...(opts[key] ?? []), ...values];
}
const readAll = (files) => (files ?? []).map((f) => ({ file: f, report: JSON.parse(fs.readFileSync(f, 'utf8')) }));
const runs = {
  before: { dev: readAll(opts['before-dev']), test: readAll(opts['before-test']) },
  after: { dev: readAll(opts['after-dev']), test: readAll(opts['after-test']) },
};

/** The runs of a builder that trained and reported an explosion (every study builder is healthy). */
const alarmed = (x) => [x.modelAlone, x.withArgs, x.capture].some((r) => r?.result === 'ran' && r.exploding);

/** Counts over the builders of one or more run files; the capture counts only where a run recorded capture at all. */
function counts(reports) {
  if (reports.length === 0) {
    return null;
  }
  const b = reports.flatMap((r) => r.report.sanity.builders);
  const ran = (k) => b.filter((x) => x[k]?.result === 'ran').length;
  const captureRecorded = b.some((x) => x.capture !== undefined);
  const unique = (xs) => [...new Set(xs.filter((x) => x !== null && x !== undefined))].join(', ') || null;
  return { builders: b.length, repos: new Set(b.map((x) => x.repo)).size, alone: ran('modelAlone'), withArgs: ran('withArgs'),
    withProgram: captureRecorded ? b.filter((x) => x.capture).length : null, capture: captureRecorded ? ran('capture') : null,
    explosionAlarms: b.filter(alarmed).length,
    steps: unique(reports.map((r) => r.report.steps)), timeout: unique(reports.map((r) => r.report.timeout)),
    cliCommit: unique(reports.map((r) => r.report.cliCommit)), files: reports.map((r) => r.file) };
}

/** A short name for one run file: the spec it ran, else the file's own name. */
const setName = (r) => path.basename(String(r.report.spec ?? r.file)).replace(/\.json$/, '');

const table = {};
const perFile = {};
for (const when of ['before', 'after']) {
  for (const half of ['dev', 'test']) {
    table[`${when}-${half}`] = counts(runs[when][half]);
    if (runs[when][half].length > 1) {
      perFile[`${when}-${half}`] = runs[when][half].map((r) => ({ set: setName(r), ...counts([r]) }));
    }
  }
}
// Runs from before capture existed recorded none: their tables keep the columns they had.
const anyCapture = Object.values(runs).some((w) => Object.values(w).some((rs) => rs.some((r) => r.report.sanity.builders.some((x) => x.capture !== undefined))));
const pct = (n, d) => (d ? `${n}/${d} (${Math.round((100 * n) / d)}%)` : '—');
const captureCell = (c) => (c.withProgram === null ? '—' : c.withProgram === 0 ? '0 builders with a Node program' : pct(c.capture, c.withProgram));
const captureHead = anyCapture ? ' ran through capture (of the builders with a Node program) |' : '';
const header = [`| half | builders (repos) | run | ran with --model alone | ran with the user's arguments |${captureHead} explosion alarms on runs that trained |`,
  `| --- | --- | --- | --- | --- |${anyCapture ? ' --- |' : ''} --- |`];
const capCol = (c) => (anyCapture ? ` ${captureCell(c)} |` : '');
const lines = [...header];
for (const [key, c] of Object.entries(table)) {
  if (c) {
    const [when, half] = key.split('-');
    for (const f of perFile[key] ?? []) {
      lines.push(`| ${half}, ${f.set} | ${f.builders} (${f.repos}) | ${when} (${f.cliCommit}) | ${pct(f.alone, f.builders)} | ${pct(f.withArgs, f.builders)} |${capCol(f)} ${f.explosionAlarms} |`);
    }
    const label = perFile[key] ? `${half}, all` : half;
    lines.push(`| ${label} | ${c.builders} (${c.repos}) | ${when} (${c.cliCommit}) | ${pct(c.alone, c.builders)} | ${pct(c.withArgs, c.builders)} |${capCol(c)} ${c.explosionAlarms} |`);
  }
}
const modeNames = anyCapture ? 'alone / with args / capture' : 'alone / with args';
const rowLines = ['', `| half | repository | builder | before: ${modeNames} | after: ${modeNames} |`, '| --- | --- | --- | --- | --- |'];
const describe = (r) => (r === undefined ? '—' : r === null ? 'no Node program' : r.result === 'ran' ? `ran ${r.steps} steps${r.verdict && r.verdict !== 'healthy' ? ` (${r.verdict})` : ''}` : r.reason === undefined ? 'error' : `error: ${String(r.reason).replace(/^rbn sanity: /, '').replace(/ \[backend.*$/, '').replace(/\|/g, '\\|').slice(0, 140)}`);
const modes = (x) => `${describe(x.modelAlone)} / ${describe(x.withArgs)}${anyCapture ? ` / ${describe(x.capture)}` : ''}`;
for (const half of ['dev', 'test']) {
  const before = runs.before[half].flatMap((r) => r.report.sanity.builders);
  const after = runs.after[half].flatMap((r) => r.report.sanity.builders);
  for (const b of before) {
    const a = after.find((x) => x.repo === b.repo && x.builder === b.builder && x.file === b.file);
    rowLines.push(`| ${half} | ${b.repo} | ${b.builder} | ${modes(b)} | ${a ? modes(a) : '—'} |`);
  }
}
const settings = Object.values(table).find((c) => c);
const md = [`Settings: --steps ${settings?.steps}, --timeout ${settings?.timeout} s per run (a shorter budget than the default, the machine is shared), one run of each half; every study builder is a healthy model, so any explosion finding on a run that trained is a false alarm.${anyCapture ? ' "Through capture" runs the repository\'s own Node program with rbn sanity --from; "—" where a run recorded no capture.' : ''}`, '', ...lines, ...rowLines].join('\n');
// One run file per half is written as before (the report itself); several as [{ file, report }].
const savedRuns = Object.fromEntries(Object.entries(runs).map(([when, halves]) => [when, Object.fromEntries(Object.entries(halves)
  .map(([half, rs]) => [half, rs.length === 0 ? undefined : rs.length === 1 ? rs[0].report : rs]))]));
fs.writeFileSync(`${opts.out}.json`, JSON.stringify({ table, perFile, runs: savedRuns }, null, 1) + '\n');
fs.writeFileSync(`${opts.out}.md`, md + '\n');
process.stdout.write(md + '\n');
