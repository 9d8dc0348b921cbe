#!/usr/bin/env node
/**
 * The generalisation study by round and half: how many builders ran with `--model` alone, with the
 * arguments a user would type and through capture, and the explosion alarms on runs that trained, for
 * any number of run-real-code.mjs outputs (each may hold builders of either round; a study-table.mjs
 * output's before/after runs are read too). The round of a builder comes from study-builders.json.
 *
 *   node bench/real-code/study-rounds.mjs --out bench/results/study-rounds label=run.json [label=run.json …]
 * Writes <out>.json and <out>.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = JSON.parse(fs.readFileSync(path.join(here, 'study-builders.json'), 'utf8'));
const roundOf = new Map(spec.builders.map((b) => [`${b.repo}|${b.file}|${b.builder}`, b.round ?? 1]));

const args = process.argv.slice(2);
const out = args[args.indexOf('--out') + 1];
const inputs = args.filter((a, i) => a.includes('=') && args[i - 1] !== '--out');

/** Every run in a file, labelled: a run-real-code output is one; a study-table output holds up to four. */
function runsOf(label, file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (json.sanity) {
    return [{ label, run: json }];
  }
  return Object.entries(json.runs ?? {}).flatMap(([when, halves]) =>
    Object.values(halves ?? {}).filter(Boolean).map((run) => ({ label: `${label} ${when}`, run })));
}

const ran = (r) => r?.result === 'ran';
const counted = (r) => r && r.result !== 'skipped';
function count(rows, key) {
  const present = rows.filter((b) => counted(b[key]));
  return present.length === 0 ? null : { ran: present.filter((b) => ran(b[key])).length, of: present.length };
}

/** Every round the spec holds, in order. */
const rounds = [...new Set(roundOf.values())].sort((a, b) => a - b);

const lines = [];
for (const input of inputs) {
  const [label, file] = input.split('=');
  for (const { label: runLabel, run } of runsOf(label, file)) {
    for (const round of rounds) {
      const rows = run.sanity.builders.filter((b) => roundOf.get(`${b.repo}|${b.file}|${b.builder}`) === round);
      const modes = { alone: count(rows, 'modelAlone'), withArgs: count(rows, 'withArgs'), capture: count(rows, 'capture') };
      if (rows.length === 0 || Object.values(modes).every((c) => c === null)) {
        continue;
      }
      lines.push({ run: runLabel, cliCommit: run.cliCommit, round, half: run.half, builders: rows.length, repos: new Set(rows.map((b) => b.repo)).size,
        ...modes,
        alarms: rows.filter((b) => ['modelAlone', 'withArgs', 'capture'].some((k) => ran(b[k]) && b[k].exploding)).length,
        settings: { steps: run.steps, timeout: run.timeout } });
    }
  }
}

const cell = (c) => (c ? `${c.ran}/${c.of}` : '—');
const md = ['| round | half | builders (repositories) | run (product commit) | `--model` alone | user\'s arguments | through capture | explosion alarms |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...lines.map((l) => `| ${l.round} | ${l.half} | ${l.builders} (${l.repos}) | ${l.run} (${l.cliCommit}) | ${cell(l.alone)} | ${cell(l.withArgs)} | ${cell(l.capture)} | ${l.alarms} |`)];
fs.writeFileSync(`${out}.json`, `${JSON.stringify(lines, null, 1)}\n`);
fs.writeFileSync(`${out}.md`, `${md.join('\n')}\n`);
console.log(md.join('\n'));
