#!/usr/bin/env node
/**
 * Real-code bench for issues 9 and 11: runs the built CLI against public tfjs code that lives
 * OUTSIDE this project (extracted snapshots under builders.json's treeRoot), so we measure the
 * product on the code people actually write. Prints JSON (or --out <file>) and a markdown table.
 *
 *   node bench/real-code/run-real-code.mjs [--cli dist/cli.js] [--out results.json] [--label x]
 *        [--only <substring of repo/builder/file>] [--repos owner/a,owner/b] [--skip-sanity] [--skip-conversion]
 *        [--kill-after 180] [--steps 300] [--half dev|test] [--round N]
 *   node bench/real-code/run-real-code.mjs --markdown-from results.json   (tables of a saved run)
 *
 * Sanity: each builder twice, from its repository's root (sibling imports resolve): once with
 * `--model <id>` alone, once adding the `--args`/`--ctor-args` a user would type; a builder whose
 * repository has a Node program that builds or trains it (captureCommand, run from captureCwd)
 * a third time, through capture: `rbn sanity --from "<captureCommand>"`. Runs are
 * sequential: the machine is shared. --skip-capture leaves the third run out; --only-capture runs it alone;
 * --capture-tree-root <dir> runs it from copies of the trees whose dependencies are installed (a program
 * runs in Node only with its packages). Conversion: `rbn scan --json` and `rbn convert --dry-run
 * --json` per file, compared with a crude ground truth (live `layers.batchNormalization(` calls).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const projectRoot = path.resolve(here, '..', '..');

function parseArgs(argv) {
  const opts = { cli: path.join(projectRoot, 'dist', 'cli.js'), out: undefined, label: undefined, only: undefined,
    sanity: true, conversion: true, killAfter: 180, steps: 300, spec: 'builders.json', half: undefined, timeout: undefined, countsOnly: false, capture: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--cli') { opts.cli = path.resolve(next()); }
    else if (a === '--out') { opts.out = path.resolve(next()); }
    else if (a === '--label') { opts.label = next(); }
    else if (a === '--only') { opts.only = next(); }
    else if (a === '--repos') { opts.repos = next().split(',').map((r) => r.trim()).filter(Boolean); }
    else if (a === '--skip-sanity') { opts.sanity = false; }
    else if (a === '--skip-conversion') { opts.conversion = false; }
    else if (a === '--kill-after') { opts.killAfter = Number(next()); }
    else if (a === '--steps') { opts.steps = Number(next()); }
    else if (a === '--markdown-from') { opts.markdownFrom = path.resolve(next()); }
    else if (a === '--spec') { opts.spec = next(); }
    else if (a === '--half') { opts.half = next(); }
    else if (a === '--round') { opts.round = Number(next()); }
    else if (a === '--timeout') { opts.timeout = Number(next()); }
    else if (a === '--counts-only') { opts.countsOnly = true; }
    else if (a === '--skip-capture') { opts.capture = false; }
    else if (a === '--only-capture') { opts.onlyCapture = true; }
    else if (a === '--capture-tree-root') { opts.captureTreeRoot = path.resolve(next()); }
    else { throw new Error(`unknown option ${a}`); }
  }
  return opts;
}

function repoDir(treeRoot, repo) {
  return path.join(treeRoot, repo.replace('/', '__'));
}

/** Runs the CLI once; never throws. The hard kill is a safety net above the CLI's own budget. */
function runCli(cli, args, cwd, killAfterS) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: killAfterS * 1000,
    maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let json;
  try { json = r.stdout ? JSON.parse(r.stdout) : undefined; } catch { json = undefined; }
  // The reasons under a proposal ('rbn sanity:   guessed x: …') would push the proposal out of the tail.
  const stderrLines = (r.stderr ?? '').split('\n').filter((l) => !/^rbn sanity: {3}guessed /.test(l)).map((l) => l.trim()).filter(Boolean);
  return { rc: r.status, signal: r.signal, killed: r.error?.code === 'ETIMEDOUT', seconds: Math.round(seconds * 10) / 10,
    json, stderrTail: stderrLines.slice(-4).join(' | ').slice(0, 700) };
}

/** The CLI's line saying which arguments it proposed and where from (printed before the run), if any. */
function proposalLine(stderrTail) {
  const first = String(stderrTail ?? '').split(' | ').find((l) => /: from (the call|guesses|the defaults|defaults)/.test(l));
  return first ? first.replace(/^rbn sanity: /, '') : null;
}

/** The CLI's line saying which module variables it set and where from (see --module-vars), if any. */
function moduleVarsLine(stderrTail) {
  const line = String(stderrTail ?? '').split(' | ').find((l) => l.startsWith('rbn sanity: module variables '));
  return line ? line.replace(/^rbn sanity: /, '') : null;
}

/** One line that says what happened, from the report if there is one, else from stderr. */
function summariseSanity(res) {
  const rep = res.json;
  const run0 = Array.isArray(rep?.runs) ? rep.runs[0] : undefined;
  const steps = run0?.steps ?? null;
  const ran = (res.rc === 0 || res.rc === 1) && typeof steps === 'number' && steps > 0;
  const reason = ran ? null
    : res.killed ? `killed by the bench after ${res.seconds}s`
    : (rep?.error?.message ?? rep?.error ?? run0?.error ?? res.stderrTail ?? `exit ${res.rc}`);
  return {
    result: ran ? 'ran' : 'error',
    reason: typeof reason === 'string' ? reason.slice(0, 700) : JSON.stringify(reason)?.slice(0, 700),
    proposal: proposalLine(res.stderrTail),
    moduleVarsProposal: moduleVarsLine(res.stderrTail),
    rc: res.rc,
    backend: rep?.backend ?? null,
    steps,
    stepsPlanned: run0?.stepsPlanned ?? rep?.stepsPlanned ?? null,
    stepsPerSecond: run0?.stepsPerSecond ?? null,
    batchSize: run0?.batchSize ?? null,
    batchFit: rep?.batchFit ?? null,
    finalLoss: run0?.finalLoss ?? null,
    nan: run0?.nan ? true : false,
    exploding: Array.isArray(run0?.exploding) && run0.exploding.length > 0,
    verdict: rep?.verdict?.kind ?? (run0?.nan ? 'nan' : Array.isArray(run0?.exploding) && run0.exploding.length > 0 ? 'exploding' : ran ? 'healthy' : null),
    accuracy: run0?.accuracy ?? null,
    task: rep?.task ?? null,
    data: rep?.data ?? null,
    call: rep?.call ?? null,
    budgetNote: run0?.budget ?? rep?.budget ?? null,
    captured: rep?.capture ? { site: rep.capture.site ?? null, data: rep.capture.data ?? null, examples: rep.capture.examples ?? null } : null,
    seconds: res.seconds,
  };
}

function sanityFor(opts, treeRoot, b) {
  const cwd = repoDir(treeRoot, b.repo);
  const base = ['sanity', b.file, '--model', b.builder, '--json', '--steps', String(opts.steps),
    ...(opts.timeout ? ['--timeout', String(opts.timeout)] : [])];
  const skipped = { result: 'skipped', reason: '--only-capture' };
  const alone = opts.onlyCapture ? skipped : summariseSanity(runCli(opts.cli, base, cwd, opts.killAfter));
  const withArgs = [...base, '--args', JSON.stringify(b.argsAUserWouldType ?? [])];
  if (b.ctorArgs !== undefined) {
    withArgs.push('--ctor-args', JSON.stringify(b.ctorArgs));
  }
  const typed = opts.onlyCapture ? skipped : summariseSanity(runCli(opts.cli, withArgs, cwd, opts.killAfter));
  const row = { repo: b.repo, file: b.file, builder: b.builder, shape: b.shape, containsBatchNorm: b.containsBatchNorm, half: b.half ?? null,
    argsTyped: withArgs.slice(base.length), modelAlone: alone, withArgs: typed,
    captureCommand: b.captureCommand ?? null, capture: opts.capture ? captureFor(opts, opts.captureTreeRoot ? repoDir(opts.captureTreeRoot, b.repo) : cwd, b) : null };
  return opts.countsOnly ? redact(row) : row;
}

/** The third run: the repository's own Node program, through `rbn sanity --from`; null when it has none. */
function captureFor(opts, repoRoot, b) {
  if (!b.captureCommand) {
    return null;
  }
  const args = ['sanity', '--from', b.captureCommand, '--json', '--steps', String(opts.steps),
    ...(opts.timeout ? ['--timeout', String(opts.timeout)] : [])];
  return summariseSanity(runCli(opts.cli, args, path.join(repoRoot, b.captureCwd ?? '.'), opts.killAfter));
}

/** A held-out (test-half) row keeps what ran and the verdict, never why a run failed: no one may read it before the end. */
function redact(row) {
  const keep = (r) => ({ result: r.result, steps: r.steps, verdict: r.verdict, exploding: r.exploding, nan: r.nan, seconds: r.seconds });
  return { ...row, modelAlone: keep(row.modelAlone), withArgs: keep(row.withArgs), capture: row.capture ? keep(row.capture) : row.capture, redacted: true };
}

function usagesOf(scanJson) {
  const files = Array.isArray(scanJson?.files) ? scanJson.files : [];
  const usages = files.flatMap((f) => (Array.isArray(f.usages) ? f.usages : []));
  const bn = usages.filter((u) => u.kind === 'batchNormalization');
  return { found: bn.length, convertible: bn.filter((u) => u.convertible).length,
    notConvertibleReasons: bn.filter((u) => !u.convertible).map((u) => u.reason ?? u.note ?? 'not convertible') };
}

function conversionFor(opts, treeRoot, f) {
  const cwd = repoDir(treeRoot, f.repo);
  const scan = runCli(opts.cli, ['scan', f.file, '--json'], cwd, 60);
  const conv = runCli(opts.cli, ['convert', f.file, '--dry-run', '--json'], cwd, 60);
  const u = usagesOf(scan.json);
  const convFile = Array.isArray(conv.json?.files) ? conv.json.files[0] : undefined;
  const converted = typeof convFile?.converted === 'number' ? convFile.converted : 0;
  return { repo: f.repo, file: f.file, category: f.category, negative: f.negative, excluded: f.excludeFromTotals ?? null,
    groundTruth: f.groundTruthLayerCalls,
    found: u.found, convertible: u.convertible, converted,
    scanError: scan.json ? (scan.json.files?.[0]?.error ?? null) : (scan.rc === 0 || scan.rc === 1 ? null : scan.stderrTail),
    convertError: convFile?.error ?? (conv.json ? null : conv.stderrTail),
    skipped: (convFile?.skipped ?? []).map((s) => `${s.line}: ${s.reason}`).slice(0, 5),
    notConvertibleReasons: u.notConvertibleReasons.slice(0, 5) };
}

function totals(rows) {
  const pos = rows.filter((r) => !r.negative && !r.excluded);
  const neg = rows.filter((r) => r.negative);
  const sum = (xs, k) => xs.reduce((a, r) => a + r[k], 0);
  const truth = sum(pos, 'groundTruth');
  const cap = (xs, k) => xs.reduce((a, r) => a + Math.min(r[k], r.groundTruth), 0);
  const pct = (n) => (truth ? Math.round((1000 * n) / truth) / 10 : null);
  return { files: pos.length, groundTruth: truth, found: cap(pos, 'found'), convertible: cap(pos, 'convertible'),
    converted: cap(pos, 'converted'), foundPct: pct(cap(pos, 'found')), convertiblePct: pct(cap(pos, 'convertible')),
    convertedPct: pct(cap(pos, 'converted')), filesFullyConverted: pos.filter((r) => r.converted >= r.groundTruth && r.groundTruth > 0).length,
    negatives: neg.length, falsePositives: sum(neg, 'found'), overCounts: pos.filter((r) => r.found > r.groundTruth).length };
}

function cell(s) {
  return String(s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The CLI's failure line (the last 'rbn sanity:' line: a proposal line may come first), without the runtime note. */
function firstReason(reason) {
  const lines = String(reason ?? '').split(' | ');
  const failure = lines.filter((l) => l.startsWith('rbn sanity:')).pop() ?? lines[0];
  return cell(failure.replace(/^rbn sanity: /, '').replace(/ \[backend [^\]]*\]?$/, '')).slice(0, 240);
}

function describe(r) {
  if (r.reason === undefined && r.result !== 'ran') {
    return 'error (reason withheld: held-out half)';
  }
  if (r.result === 'ran') {
    const planned = r.stepsPlanned && r.stepsPlanned !== r.steps ? ` of ${r.stepsPlanned}` : '';
    const batch = r.batchFit?.reason ? ` at batch ${r.batchSize} (of ${r.batchFit.requested}: ${r.batchFit.reason})` : '';
    return `ran ${r.steps}${planned} steps${batch}${r.backend ? ` on ${r.backend}` : ""}, ${r.seconds}s${r.verdict && r.verdict !== "healthy" ? ` (${r.verdict})` : ""}`;
  }
  return `error: ${firstReason(r.reason).slice(0, 160)}`;
}

function markdown(report) {
  const out = [];
  if (report.sanity) {
    out.push('| repository | builder | shape | --model alone | with --args | through capture |', '| --- | --- | --- | --- | --- | --- |');
    for (const b of report.sanity.builders) {
      out.push(`| ${b.repo} | ${b.builder}${b.containsBatchNorm ? '' : ' (no BN)'} | ${cell(b.shape.join('; '))} | ${describe(b.modelAlone)} | ${describe(b.withArgs)} | ${b.capture ? describe(b.capture) : '—'} |`);
    }
    out.push('', 'Failures (one line each):');
    for (const b of report.sanity.builders) {
      for (const [mode, r] of [['--model alone', b.modelAlone], ['with --args', b.withArgs], ['through capture', b.capture]]) {
        if (r && r.result !== 'ran' && r.reason !== undefined) {
          out.push(`- ${b.repo} ${b.builder}, ${mode}: ${firstReason(r.reason)}`);
        }
      }
    }
    const t = report.sanity.totals;
    out.push('', `Explosion findings on runs that trained: ${t.falseExplosionAlarms ?? 0} builders (every study builder is a healthy model unless its row says otherwise).`);
    out.push('', `BatchNorm builders: ${t.bnBuilders}; ran with --model alone: ${t.bnAlone} (${t.bnAlonePct}%), with --args: ${t.bnWithArgs} (${t.bnWithArgsPct}%). All builders: ${t.all}, alone ${t.alone}, with args ${t.withArgs}.`);
    if (t.withProgram !== undefined) {
      out.push('', `Through capture (rbn sanity --from the repository's own Node program): ${t.capture} of the ${t.withProgram} builders that have one.`);
    }
  }
  if (report.conversion) {
    out.push('', '| repository | file | category | truth | found | convertible | converted | note |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const f of report.conversion.files) {
      const note = f.scanError ?? f.convertError ?? (f.skipped[0] ?? f.notConvertibleReasons[0] ?? '');
      out.push(`| ${f.repo} | ${f.file} | ${cell(f.category)} | ${f.groundTruth} | ${f.found} | ${f.convertible} | ${f.converted} | ${cell(note).slice(0, 120)} |`);
    }
    const line = (t, what) => `${what}: ${t.files} files, ${t.groundTruth} layer calls; found ${t.found} (${t.foundPct}%), convertible ${t.convertible} (${t.convertiblePct}%), converted ${t.converted} (${t.convertedPct}%); files fully converted ${t.filesFullyConverted}; negatives ${t.negatives} with ${t.falsePositives} false positives.`;
    out.push('', line(report.conversion.totals, 'Conversion, all files'), '', line(report.conversion.totalsWithoutHtmlPages, 'Conversion, JS/TS files only (no HTML pages)'));
  }
  return out.join('\n');
}

function productCommit() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(path.dirname(process.argv[1])), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.markdownFrom) {
    process.stdout.write(`${markdown(JSON.parse(fs.readFileSync(opts.markdownFrom, 'utf8')))}\n`);
    return;
  }
  // --repos takes exact repository names (a round's later additions, say); --only a substring of any field.
  const keep = (repo, ...fields) => (!opts.repos || opts.repos.includes(repo))
    && (!opts.only || [repo, ...fields].some((x) => String(x).includes(opts.only)));
  const report = { label: opts.label ?? null, cli: opts.cli, spec: opts.spec, half: opts.half ?? null, round: opts.round ?? null, repos: opts.repos ?? null, timeout: opts.timeout ?? null, startedAt: new Date().toISOString(), benchCommit: productCommit(),
    cliCommit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: path.dirname(path.dirname(opts.cli)), encoding: 'utf8' }).stdout?.trim() ?? null,
    steps: opts.steps, loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 10) / 10), cpus: os.cpus().length };
  if (opts.sanity) {
    const spec = JSON.parse(fs.readFileSync(path.resolve(here, opts.spec), 'utf8'));
    const builders = [];
    for (const b of spec.builders.filter((x) => keep(x.repo, x.builder, x.file) && (!opts.half || x.half === opts.half) && (!opts.round || x.round === opts.round))) {
      process.stderr.write(`sanity ${b.repo} ${b.builder} …\n`);
      builders.push(sanityFor(opts, spec.treeRoot, b));
      if (opts.out) {
        // A partial file after every builder: a long run can be read (and survives an interruption).
        fs.writeFileSync(`${opts.out}.partial`, JSON.stringify({ ...report, sanity: { builders } }, null, 1));
      }
    }
    const bn = builders.filter((b) => b.containsBatchNorm);
    const ok = (xs, k) => xs.filter((b) => b[k].result === 'ran').length;
    const pct = (n, d) => (d ? Math.round((1000 * n) / d) / 10 : null);
    report.sanity = { builders, totals: { all: builders.length, alone: ok(builders, 'modelAlone'), withArgs: ok(builders, 'withArgs'),
      bnBuilders: bn.length, bnAlone: ok(bn, 'modelAlone'), bnWithArgs: ok(bn, 'withArgs'),
      bnAlonePct: pct(ok(bn, 'modelAlone'), bn.length), bnWithArgsPct: pct(ok(bn, 'withArgs'), bn.length),
      repos: new Set(bn.map((b) => b.repo)).size,
      withProgram: builders.filter((b) => b.capture).length, capture: builders.filter((b) => b.capture?.result === 'ran').length,
      falseExplosionAlarms: builders.filter((b) => [b.modelAlone, b.withArgs, b.capture].some((r) => r?.result === 'ran' && r.exploding)).length } };
  }
  if (opts.conversion) {
    const spec = JSON.parse(fs.readFileSync(path.join(here, 'conversion-files.json'), 'utf8'));
    const files = spec.files.filter((x) => keep(x.repo, x.file)).map((f) => conversionFor(opts, spec.treeRoot, f));
    const notHtml = files.filter((f) => !f.file.endsWith('.html'));
    report.conversion = { files, totals: totals(files), totalsWithoutHtmlPages: totals(notHtml) };
  }
  report.finishedAt = new Date().toISOString();
  report.loadAverageAtEnd = os.loadavg().map((x) => Math.round(x * 10) / 10);
  const json = JSON.stringify(report, null, 1);
  if (opts.out) {
    const tmp = `${opts.out}.tmp`;
    fs.writeFileSync(tmp, json);
    fs.renameSync(tmp, opts.out);
  } else {
    process.stdout.write(`${json}\n`);
  }
  process.stdout.write(`\n${markdown(report)}\n`);
}

main();
