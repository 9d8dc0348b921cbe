/**
 * `rbn sanity <file>`: trains the file's model for a few seconds in a child process and reports
 * NaN/Inf (with layer and line), exploding weights and held-out accuracy, optionally against the
 * BatchNorm ⇄ RunningBatchNorm swap. Thin over the worker's launcher.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendPreference } from '../../worker/backends/types';
import type { RunReport, SanityReport, SanityRequest, SanityRuntime, SourceLocation, WorkerMessage } from '../../core/training/protocol';
import { parseArgsLiteral, parseObjectLiteral } from '../../core/analysis/arguments/args-literal';
import { verdictFor } from '../../core/training/report/report-verdict';
import { describeGraph, mapGraphSources } from '../../core/training/graph/graph-summary';
import { perSeedText } from '../../core/training/report/report-comparison';
import { explosionDetailLines, explosionDetails, growthSeenText } from '../../core/training/report/report-explosions';
import { SANITY_DEFAULTS } from '../../core/training/defaults';
import { readSourceFile } from '../../core/workspace';
import { scriptCodeOf } from '../../core/analysis/page/page-scripts';
import { runSanityTrain } from '../../worker/launcher';
import { CliUsageError, EXIT_CANNOT_RUN, EXIT_FOUND, EXIT_OK, parseCommandArgs, type CliCommand, type CliIo } from '../command';
import { displayPath } from '../paths';
import { completeSanityRequest, describeCall } from '../sanity-arguments';
import { sanityErrorJson } from '../sanity-error-json';
import { SIGNAL_EXIT_CODES, withInterrupts } from '../interrupt';
import { formatLiteralValue } from '../../core/analysis/arguments/argument-proposals';
import { captureLine, captureRequestOf, programOutput } from '../capture-arguments';

const BACKENDS: readonly BackendPreference[] = ['auto', 'cpu', 'wasm', 'tensorflow'];
const DATA = ['mnist', 'synthetic'] as const;

const OPTIONS = {
  model: { type: 'string' },
  args: { type: 'string' },
  'ctor-args': { type: 'string' },
  'module-vars': { type: 'string' },
  'instance-vars': { type: 'string' },
  steps: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  compare: { type: 'boolean' },
  data: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  timeout: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  jsonl: { type: 'boolean' },
  'no-telemetry': { type: 'boolean' },
  from: { type: 'string' },
  capture: { type: 'string' },
  verbose: { type: 'boolean' },
} as const;

function positiveNumber(value: string | boolean | undefined, flag: string, fallback: number, integer: boolean): number {
  if (value === undefined) {
    return fallback;
  }
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new CliUsageError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${String(value)}'`);
  }
  return n;
}

/** --threads: 0 for auto (the default), else a positive integer; undefined when absent. */
function threadCount(value: string | boolean | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < 0) {
    throw new CliUsageError(`--threads must be 0 (auto) or a positive integer, got '${String(value)}'`);
  }
  return n;
}

function oneOf<T extends string>(value: string | boolean | undefined, flag: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new CliUsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${String(value)}'`);
  }
  return value as T;
}

function argumentList(value: string | boolean | undefined, flag: string): unknown[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = parseArgsLiteral(String(value));
  if (!parsed.ok) {
    throw new CliUsageError(`--${flag}: ${parsed.message}`);
  }
  return parsed.values;
}

function objectFlag(value: string | boolean | undefined, flag: 'module-vars' | 'instance-vars'): Record<string, unknown> | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = parseObjectLiteral(String(value));
  if (!parsed.ok) {
    throw new CliUsageError(`--${flag}: ${parsed.message}`);
  }
  return parsed.value;
}

/** The worker request from the command line (throws CliUsageError on bad arguments). */
export function parseSanityArgs(args: string[], cwd: string): { request: SanityRequest; json: boolean; jsonl: boolean; verbose?: boolean } {
  const { values, positionals } = parseCommandArgs(args, OPTIONS);
  const from = captureRequestOf(values, positionals, path.resolve(cwd));
  if (!from && positionals.length !== 1) {
    throw new CliUsageError(positionals.length === 0 ? 'sanity needs the file that builds the model' : `sanity takes one file, got ${positionals.length}`);
  }
  const learningRate = values.lr === undefined ? undefined : positiveNumber(values.lr, 'lr', 0, false);
  const threads = threadCount(values.threads);
  const request: SanityRequest = {
    file: path.resolve(cwd, positionals[0] ?? '.'),
    model: typeof values.model === 'string' ? values.model : undefined,
    args: argumentList(values.args, 'args'),
    ctorArgs: argumentList(values['ctor-args'], 'ctor-args'),
    moduleVars: objectFlag(values['module-vars'], 'module-vars'),
    instanceVars: objectFlag(values['instance-vars'], 'instance-vars'),
    steps: positiveNumber(values.steps, 'steps', SANITY_DEFAULTS.steps, true),
    batchSize: positiveNumber(values['batch-size'], 'batch-size', SANITY_DEFAULTS.batchSize, true),
    ...(learningRate === undefined ? {} : { learningRate }),
    compare: values.compare === true,
    data: oneOf(values.data, 'data', DATA),
    backend: oneOf(values.backend, 'backend', BACKENDS) ?? SANITY_DEFAULTS.backend,
    ...(threads === undefined ? {} : { threads }),
    timeoutMs: positiveNumber(values.timeout, 'timeout', SANITY_DEFAULTS.timeoutMs / 1000, false) * 1000,
    seed: positiveNumber(values.seed, 'seed', SANITY_DEFAULTS.seed, true),
    ...(values['no-telemetry'] === true ? { telemetry: false } : {}),
    ...(from ? { from } : {}),
  };
  for (const key of ['args', 'ctorArgs', 'moduleVars', 'instanceVars'] as const) {
    if (request[key] === undefined) {
      delete request[key];
    }
  }
  return { request, json: values.json === true, jsonl: values.jsonl === true, verbose: values.verbose === true };
}

export const sanityCommand: CliCommand = {
  name: 'sanity',
  summary: 'train a model for a few seconds: NaN/Inf with layer and line, exploding weights, accuracy',
  help: `Usage: rbn sanity <file> [--model <name|Class|Class.method>] [--args '<JSON array>']
                  [--ctor-args '<JSON array>'] [--module-vars '<JS object>'] [--instance-vars '<JS object>']
                  [--steps N] [--batch-size N] [--lr X]
                  [--compare] [--data mnist|synthetic] [--backend auto|cpu|wasm|tensorflow]
                  [--threads N] [--timeout S] [--seed N] [--no-telemetry] [--json | --jsonl]
       rbn sanity --from "<command>" [--capture N] [--verbose] [the same run flags]

Builds the model with a builder in <file> and trains it in a child process for --steps steps
(default 300) at --batch-size (default 8). A builder is a function, arrow function, class
method, arrow-function class property or constructor (class or ES5 function) that returns
tf.sequential()/tf.model()/tf.loadLayersModel() or assigns one to this.<name> or to a module
variable or page global (\`model = tf.sequential()\`), exported or not, in any module style,
also a browser script using the global tf, or an HTML page (its inline scripts, in document
order; calls in onclick and other event attributes count as call sites). --model takes its name,
Class.method, or Class (the model its constructor builds); without it, the first builder that
can run. A parameter named tf (or typed or used as tfjs) gets the tfjs in use and is not part
of --args.

Arguments: --args '[9, 9, 4]' gives the builder's (for Class, the constructor's), --ctor-args
the constructor's for Class.method. Without them rbn proposes values, best first: a call of the
builder with literal arguments in its package (nearest package.json folder, node_modules
skipped; calls a test expects to throw are not), the defaults in the signature, a literal
constant of the parameter's type in the package (DEFAULT_CONFIG: ModelConfig; an empty layer
list in it filled as below), then a guess from types, JSDoc, what the code reads of an object
parameter (opts.imgSize; a layer list it switches on by kind: a small network of the kinds the
code handles, batch norm among them) and names (inputShape, numClasses, h/w, channels,
latentDim, units...), and prints which values it used
and where from (stderr). The JSON report's "call" says the same. Fewer values than parameters
run as JavaScript runs them, the rest undefined; if the build then fails, it runs once more
with the proposal for the rest, and the report's first note says so.

Module variables: a builder may read top-level variables its file declares without a value and
only another function fills (let numberOfClasses; ... run() { numberOfClasses = args.classes }).
rbn sets each that is still undefined once the file has loaded, to a literal assignment of it
in the file, else the literal property the assignment reads (classes: 10 in a defaults object),
else a guess from its name; --module-vars '{ numberOfClasses: 10, imageSize: 28 }' overrides
them (call.moduleVars and call.moduleVarsSource in --json).

Instance fields: a Class.method builder may read this.<name> fields its constructor leaves null
or undefined and another method fills (train(images, labels) { this.numClasses =
labels.shape[1] }). rbn sets each that is still empty (or a size still 0) on the instance before the call, proposed
the same way (a literal this.numClasses = 10 elsewhere, else a guess from its name and type);
--instance-vars '{ numClasses: 10 }' overrides them, and a size or shape the constructor set
(call.instanceVars, call.instanceVarsSource).

Reports the first NaN/Inf with the layer and source line that made it, weights that grew more
than 100x within 50 steps, the loss and the held-out accuracy (or error). Data: the module's
sanityData() export, else MNIST digits for 28x28x1/784-input 10-class models, else a synthetic
task shaped to the model. --compare also trains a copy with every BatchNorm swapped for
RunningBatchNorm (or back), same seed, data and initial weights, in a worker process of its own
(side by side where there are cores), both runs to the same step, for as many paired seeds as fit
in the budget; it reports the mean difference with its 90% interval and a verdict (better, worse,
no clear difference) and each seed's difference (docs/compare.md). The file is never modified.
The --timeout budget (default 60 s, the whole command with --compare) shapes the run: every model is timed first and each run
gets as many of the --steps as fit (the output says "ran 40 of 300 steps ... in the 60 s budget").
--batch-size is halved, down to 1, when one step at it would not fit the memory (the wasm heap,
the worker's cap, the free memory) or the budget; the output says so ("batch size lowered ...").
The workspace's tfjs-node runs when installed, else wasm (inside the workspace's tfjs 4.17+, or
the bundled tfjs with the imports redirected); the output says which and why. wasm runs with
--threads threads (default 0: auto, half the logical cores, 1 to 8); the output says how many.
Per-layer telemetry (runs[i].layers in --json: activation mean/std/near-zero share, weight
and gradient norms, histograms, at up to 150 steps) is on; --no-telemetry switches it off.
runs[i].graph is the model's graph (layers, edges, nested models, source lines).
--jsonl prints one JSON object per line as the run goes (type phase, graph, progress,
layerStats with its step, layerNaN) and the report, as --json prints it, as the last line.

Capture: --from "node train.js" (or "npx mocha test/model.test.js", "npm run train") runs your
program with tfjs hooked, takes the first model it trains (--capture N: the Nth) with its
compile() settings and the examples it feeds to fit/fitDataset/trainOnBatch (at most 4096, the
last 20% held out), stops it there and sanity-trains exactly that model in the program's own
process (custom layers keep working). A program that never trains hands over the model it built,
on MNIST or synthetic data. Its output goes to stderr with --verbose. Only run programs you trust.

Exit codes: 0 trained cleanly, 1 NaN/Inf or exploding weights found,
            2 could not run (bad arguments, unreadable file, model code threw, timeout).`,
  async run(args: string[], io: CliIo): Promise<number> {
    // A Compare's budget counts from here: the command's start (not the process's, which may be a test
    // runner's or a script's that runs several commands).
    const startedAtMs = Date.now();
    const parsed = parseSanityArgs(args, io.cwd);
    const { jsonl } = parsed;
    const json = parsed.json || jsonl;
    if (parsed.request.from) {
      return finishRun(parsed.request, { json, jsonl, startedAtMs }, io, programOutput(io, parsed.verbose === true));
    }
    const source = fs.existsSync(parsed.request.file) ? readSourceFile(parsed.request.file) : undefined;
    if (!source?.ok) {
      io.err(`rbn sanity: cannot read ${displayPath(parsed.request.file, io.cwd)}\n`);
      io.out(json ? sanityErrorJson('unreadable', `cannot read ${displayPath(parsed.request.file, io.cwd)}`, parsed.request, io.cwd) : '');
      return EXIT_CANNOT_RUN;
    }
    const completed = completeSanityRequest(parsed.request, scriptCodeOf(parsed.request.file, source.text));
    if (completed.error) {
      io.err(`rbn sanity: ${completed.error}\n`);
      io.out(json ? sanityErrorJson('badInput', completed.error, completed.request, io.cwd) : '');
      return EXIT_CANNOT_RUN;
    }
    // The guesses' reasons sit under the line that names them: what to check when the run fails.
    const guesses = (completed.guessNotes ?? []).map((note) => `  guessed ${note}`);
    for (const line of [completed.message, ...guesses, completed.moduleVarsMessage, completed.instanceVarsMessage]) {
      if (line) {
        io.err(`rbn sanity: ${line}\n`);
      }
    }
    return finishRun(completed.request, { json, jsonl, startedAtMs }, io);
  },
};

/** Runs the request and prints its report (stdout) or its one-line failure (stderr); resolves to the exit code. */
async function finishRun(request: SanityRequest, { json, jsonl, startedAtMs }: { json: boolean; jsonl: boolean; startedAtMs: number }, io: CliIo, onOutput?: (line: string) => void): Promise<number> {
  {
    // On a terminal, a live step counter on stderr; pipes and JSON consumers get only the result.
    const live = !json && process.stderr.isTTY === true;
    const onMessage = jsonl ? (m: WorkerMessage) => streamMessage(m, io) : live ? (m: WorkerMessage) => showProgress(m, io) : undefined;
    // SIGINT/SIGTERM stop the worker (and a captured program's process group) first (interrupt.ts), then
    // the CLI exits 130/143.
    const { result: outcome, interrupted } = await withInterrupts((signal) => runSanityTrain(request, { onMessage, onOutput, signal, startedAtMs }));
    if (live) {
      io.err('\r\x1b[K');
    }
    if (interrupted) {
      io.err(`rbn sanity: stopped by ${interrupted}; the worker was ended\n`);
      io.out(json ? sanityErrorJson('cancelled', `stopped by ${interrupted}`, request, io.cwd, outcome.kind === 'error' ? outcome : undefined) : '');
      return SIGNAL_EXIT_CODES[interrupted];
    }
    if (outcome.kind === 'error') {
      // Still one line: which tfjs and backend were in use goes at its end.
      const runtime = outcome.runtime ? ` [${describeRuntime(outcome.runtime)}]` : '';
      io.err(`rbn sanity: ${outcome.message.split('\n')[0]}${runtime}\n`);
      if (jsonl) {
        io.out(`${JSON.stringify({ type: 'error', reason: outcome.reason, message: outcome.message })}\n`);
      } else {
        io.out(json ? sanityErrorJson(outcome.reason, outcome.message.split('\n')[0]!, request, io.cwd, outcome) : '');
      }
      return EXIT_CANNOT_RUN;
    }
    const report = withDisplayPaths(outcome.report, io.cwd);
    io.out(json ? `${JSON.stringify(report)}\n` : formatSanity(report));
    return report.normSwapped || report.runs.some((r) => r.nan !== null || r.exploding.length > 0) ? EXIT_FOUND : EXIT_OK;
  }
}

/** --jsonl: every worker message as it comes, one line each; the report and a failure come last, from run(). */
function streamMessage(message: WorkerMessage, io: CliIo): void {
  if (message.type === 'done' || message.type === 'error') {
    return;
  }
  const shown = message.type === 'graph' ? { ...message, graph: mapGraphSources(message.graph, (s) => ({ ...s, file: displayPath(s.file, io.cwd) })) } : message;
  io.out(`${JSON.stringify(shown)}\n`);
}

function showProgress(message: WorkerMessage, io: CliIo): void {
  if (message.type === 'progress') {
    const loss = message.loss === null ? 'NaN' : message.loss.toFixed(4);
    io.err(`\r\x1b[K${NORM_LABEL[message.norm]}: step ${message.step}/${message.totalSteps}, loss ${loss}`);
  }
}

function withDisplayPaths(report: SanityReport, cwd: string): SanityReport {
  const source = (s: SourceLocation | null) => (s ? { ...s, file: displayPath(s.file, cwd) } : null);
  return {
    ...report,
    ...(report.file ? { file: displayPath(report.file, cwd) } : {}),
    ...(report.capture ? { capture: { ...report.capture, site: source(report.capture.site) } } : {}),
    runs: report.runs.map((r) => ({
      ...r,
      nan: r.nan ? { ...r.nan, source: source(r.nan.source) } : null,
      exploding: r.exploding.map((e) => ({ ...e, source: source(e.source) })),
      ...(r.layers ? { layers: r.layers.map((l) => ({ ...l, source: source(l.source) })) } : {}),
      ...(r.graph ? { graph: mapGraphSources(r.graph, (s) => ({ ...s, file: displayPath(s.file, cwd) })) } : {}),
    })),
  };
}

const NORM_LABEL: Record<RunReport['norm'], string> = { batchNormalization: 'BatchNorm', runningBatchNorm: 'RunningBatchNorm', none: 'no batch norm' };

function where(source: SourceLocation | null): string {
  return source ? ` (${source.file}:${source.line})` : '';
}

/** "backend cpu on the workspace's tfjs 4.22.0; not used: wasm (…)": said with a failure too. */
export function describeRuntime(runtime: SanityRuntime): string {
  const skipped = runtime.backendSkipped.length > 0 ? `; not used: ${runtime.backendSkipped.map((s) => `${s.name} (${s.reason.split(' (')[0]})`).join('; ')}` : '';
  return `backend ${runtime.backend} on ${runtime.tfjs.source === 'workspace' ? "the workspace's" : 'the bundled'} tfjs ${runtime.tfjs.version}${skipped}`;
}

/** The readable summary: one line per run, then findings and notes. */
export function formatSanity(report: SanityReport): string {
  const threads = report.threads === undefined ? '' : ` (${report.threads} thread${report.threads === 1 ? '' : 's'}${report.threadsNote ? `: ${report.threadsNote}` : ''})`;
  const lines = [`${report.file ?? 'model'} › ${report.model ?? 'model'}: ${report.capture?.data ?? report.data} ${report.task} data, backend ${report.backend}${threads}`];
  if (report.tfjs) {
    lines.push(`  tfjs: ${report.tfjs.source} ${report.tfjs.version}${report.tfjs.reason ? ` (${report.tfjs.reason})` : ''}`);
  }
  lines.push(...captureLine(report));
  const call = report.call;
  if (call && (call.args.length > 0 || (call.ctorArgs?.length ?? 0) > 0)) {
    lines.push(`  call: ${describeReportCall(call)} (arguments: ${call.argsSource})`);
  }
  if (call?.moduleVars) {
    lines.push(`  module variables: ${formatLiteralValue(call.moduleVars)} (${call.moduleVarsSource ?? 'given'})`);
  }
  if (call?.instanceVars) {
    lines.push(`  instance fields: ${formatLiteralValue(call.instanceVars)} (${call.instanceVarsSource ?? 'given'})`);
  }
  const graph = report.runs[0]?.graph;
  if (graph) {
    lines.push(`  graph: ${describeGraph(graph)}`);
  }
  const skipped = report.backendSkipped ?? [];
  if (skipped.length > 0) {
    lines.push(`  backends not used: ${skipped.map((s) => `${s.name} (${s.reason.split(' (')[0]})`).join('; ')}`);
  }
  report.runs.forEach((r, i) => {
    const label = `${NORM_LABEL[r.norm]}${i === 0 && !r.swapped ? ' (as written)' : ' (swapped in memory)'}`;
    const score = r.accuracy !== null ? `accuracy ${(r.accuracy * 100).toFixed(1)}%` : r.error !== null && r.error !== undefined ? `error ${formatNumber(r.error)}` : 'not scored';
    const steps = r.stepsRequested !== undefined && r.steps < r.stepsRequested ? `${r.steps}/${r.stepsRequested}` : String(r.steps);
    lines.push(`  ${label.padEnd(38)} ${steps} steps × ${r.batchSize}  loss ${r.finalLoss === null ? 'n/a' : formatNumber(r.finalLoss)}  ${score}  ${r.stepsPerSecond} steps/s`);
    if (r.nan) {
      lines.push(`    NaN/Inf at step ${r.nan.step}: ${r.nan.where} of layer ${r.nan.layer} (${r.nan.className})${where(r.nan.source)}`);
      if (r.nan.cause) {
        lines.push(`    cause: ${r.nan.cause}`);
      }
    }
    for (const e of r.exploding) {
      lines.push(
        e.measure === 'gradient'
          ? `    exploding gradient: the gradient norm of ${e.layer} (${e.className}) grew ${formatNumber(e.growth)}× within 50 steps, by step ${e.step}${where(e.source)}`
          : `    exploding weights: ${e.weight} grew ${formatNumber(e.growth)}× within 50 steps, by step ${e.step}${where(e.source)}`,
      );
      lines.push(...explosionDetailLines(e, r).map((l) => `      ${l}`));
    }
    for (const g of explosionDetails({ runs: [r] }, true)) {
      lines.push(`    ${growthSeenText(g)}`);
    }
  });
  for (const note of report.notes ?? []) {
    lines.push(`  note: ${note}`);
  }
  const verdict = verdictFor(report);
  for (const sentence of [verdict.comparison, ...(verdict.comparison && report.comparison ? [`  per seed: ${perSeedText(report.comparison)}`] : []), verdict.caveat]) {
    if (sentence) {
      lines.push(sentence);
    }
  }
  lines.push(verdict.coverage && !report.normSwapped ? `${verdict.coverage}.` : `${verdict.coverage ? `${verdict.coverage} of the RunningBatchNorm copy. ` : ''}Found problems (exit code 1).`);
  return `${lines.join('\n')}\n`;
}

/** `createDeepQNetwork(9, 9, 4)`, `new Agent(3)`, `new Net(16).build([8])`. */
function describeReportCall(call: NonNullable<SanityReport['call']>): string {
  const [className, member] = call.model.split('.', 2);
  const kind = call.builderKind ?? (member !== undefined && call.ctorArgs !== undefined ? 'method' : 'function');
  return describeCall({ kind, id: call.model, className, memberName: member, static: call.ctorArgs === undefined }, call);
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 1e4 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(2) : n.toPrecision(4);
}
