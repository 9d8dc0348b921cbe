/**
 * One run of a Compare, in its own worker process: set up as every sanity-train does (tfjs, the model
 * with the request's seed, data, compile), swap the batch norm for the `swapped` arm, time a step and
 * say so (`armReady`); then train each seed the scheduler sends, only as far as it grants, so that both
 * runs always stop at the same step. Each seed rebuilds the model with that seed, so the two arms start
 * from the same weights and draw the same batches.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { ArmCommand, ArmMessage } from '../../core/training/compare-protocol';
import { findLayerCalls, mapLayersToSources } from '../../core/training/layer-sources';
import type { LayerSample, NormKind, WorkerMessage } from '../../core/training/protocol';
import { probeModel, shownTotal, type BudgetContext } from '../budget/budget';
import { rowCount, sliceRows, type TrainingData } from '../data/training-data';
import { invokeWithinSize } from '../loading/sized-build';
import { emitProgress, fitMemory, logTiming, normOf, prepareSession, timeFit, type PreparedSession, type SessionContext, type SessionLimits } from '../sanity-session';
import { TelemetryCollector } from '../telemetry/collector';
import { compileForRun } from '../training/compile';
import { baselineOf } from '../training/evaluation';
import { graphSourceLookup, tryExtractModelGraph } from '../graph/model-graph';
import { countNorms, swapNorms } from '../training/norm-swap';
import { trainRun } from '../training/train-run';
import { scoreExamples } from './example-scores';
import { CommandQueue, GrantGate, SeedAbandoned } from './grant-gate';

export type ArmSend = (message: WorkerMessage | ArmMessage) => void;

type StartArm = Extract<ArmCommand, { type: 'startArm' }>;

/** The arm's model for one seed: built by the user's code with that seed, swapped for the `swapped` arm. */
async function modelForSeed(prepared: PreparedSession, start: StartArm, seed: number): Promise<{ model: tfjs.LayersModel; norm: NormKind }> {
  const { request } = start;
  const built =
    seed === request.seed
      ? prepared.model
      : // The same size check as the first build, so a guessed shape is cut down the same way.
        (await invokeWithinSize({ file: request.file, code: prepared.code, builderId: request.model, args: request.args, ctorArgs: request.ctorArgs, argsSource: request.argsSource, moduleVars: request.moduleVars, moduleVarsSource: request.moduleVarsSource, instanceVars: request.instanceVars, instanceVarsSource: request.instanceVarsSource, instanceVarsTyped: request.instanceVarsTyped, tf: prepared.tf, seed }, () => undefined)).model;
  if (start.arm === 'asWritten') {
    return { model: built, norm: normOf(built) };
  }
  // Set-up already swapped the first build of a model tfjs cannot train as written (untrainable-norms.ts).
  if (built === prepared.model && prepared.inPlace) {
    return { model: prepared.inPlace.model, norm: normOf(prepared.inPlace.model) };
  }
  const swapped = await swapNorms(prepared.tf, built);
  if (!swapped) {
    throw new Error('the model built for a later seed has no batch-norm layer to swap');
  }
  return swapped;
}

/** Runs the arm until the scheduler says `finish`; failures throw (the worker entry reports them). */
export async function runArm(start: StartArm, commands: CommandQueue, gate: GrantGate, send: ArmSend, checkLimits: () => void, context: SessionContext, limits: SessionLimits): Promise<void> {
  const { request, arm } = start;
  const phases: Record<string, number> = {};
  const emit = (message: WorkerMessage) => {
    if (message.type === 'phase') {
      phases[message.phase] = message.elapsedMs;
    }
    send(message);
  };
  // start.threads is this worker's share of the cores, as the scheduler counted it (compare-plan.ts).
  const prepared = await prepareSession({ ...request, threads: start.threads }, emit, context);
  const buildMs = (phases.prepareData ?? 0) - (phases.buildModel ?? 0);
  const counts = countNorms(prepared.model);
  const swappable = counts.batchNormalization + counts.runningBatchNorm > 0;
  // Nothing to train: no norm to swap, or (as-written) a model tfjs cannot train, whose copy the other arm trains.
  const untrainable = arm === 'asWritten' && prepared.inPlace !== undefined;
  if ((arm === 'swapped' && !swappable) || untrainable) {
    const norm = untrainable ? normOf(prepared.model) : 'none';
    send({ type: 'armReady', arm, norm, swappable, stepMs: 0, evalMsPerRow: 0, batchSize: request.batchSize, testRows: 0, buildMs, setup: setupOf(prepared, request.file), ...(untrainable ? { untrainable } : {}) });
    await commands.next();
    return;
  }
  const first = await modelForSeed(prepared, start, request.seed);
  prepared.phase('timeStep');
  const { stepShape, memoryFit } = fitMemory(prepared, request, context, limits);
  const remainingMs = () => start.deadlineEpochMs - Date.now();
  const budget: BudgetContext = { budgetMs: request.timeoutMs, backend: prepared.runtime.backend, params: stepShape.params, runs: start.concurrent ? 1 : 2, mayRefuse: true };
  const probe = await probeModel(prepared.tf, first.model, prepared.allData, memoryFit.batchSize, remainingMs, () => compileForRun(first.model, prepared.compile), checkLimits, budget);
  const batchFit = timeFit(memoryFit, probe.batchSize ?? memoryFit.batchSize, probe.askedStepMs, request, stepShape, prepared.runtime.backend);
  context.batchSize = batchFit.batchSize;
  logTiming(`${arm} arm ready: ${probe.stepMs.toFixed(0)} ms per step at batch size ${batchFit.batchSize}, ${(probe.evalMsPerRow * 1000).toFixed(0)} µs per held-out example`);
  const setup = { ...setupOf(prepared, request.file), batchFit, notes: [...prepared.notes, ...(batchFit.note ? [batchFit.note] : [])] };
  send({ type: 'armReady', arm, norm: first.norm, swappable, stepMs: probe.stepMs, evalMsPerRow: probe.evalMsPerRow, batchSize: batchFit.batchSize, testRows: rowCount(prepared.allData.testXs), buildMs, setup });
  let model: { model: tfjs.LayersModel; norm: NormKind } | undefined = first;
  for (;;) {
    const command = await commands.next();
    if (command.type !== 'seed') {
      return;
    }
    const seeded = model ?? (await modelForSeed(prepared, start, command.seed));
    model = undefined;
    try {
      await trainSeed(prepared, start, seeded, command, gate, send, checkLimits, context);
    } finally {
      (seeded.model as unknown as { optimizer?: tfjs.Optimizer }).optimizer?.dispose();
      seeded.model.dispose();
    }
  }
}

/** The report fields this arm knows after set-up (the scheduler takes the first arm's). */
function setupOf(prepared: PreparedSession, file: string) {
  const standIns = prepared.browserStandIns.length > 0 ? { browserStandIns: prepared.browserStandIns.map((s) => s.name) } : {};
  const swapped = prepared.inPlace ? { normSwapped: prepared.inPlace.swapped } : {};
  return { ...prepared.info, data: prepared.allData.source, task: prepared.allData.task, model: prepared.name, file, call: prepared.call, ...standIns, trainableParams: prepared.trainableParams, notes: prepared.notes, ...swapped };
}

/** The held-out examples every seed of both arms scores: the first `rows`. */
function heldOut(data: TrainingData, rows: number): TrainingData {
  return rows >= rowCount(data.testXs) ? data : { ...data, testXs: sliceRows(data.testXs, 0, rows), testYs: sliceRows(data.testYs, 0, rows) };
}

async function trainSeed(
  prepared: PreparedSession,
  start: StartArm,
  seeded: { model: tfjs.LayersModel; norm: NormKind },
  command: Extract<ArmCommand, { type: 'seed' }>,
  gate: GrantGate,
  send: ArmSend,
  checkLimits: () => void,
  context: SessionContext,
): Promise<void> {
  const { tf } = prepared;
  const { request, arm } = start;
  // The copy of a model that cannot train as written is the Compare's only run.
  const run = arm === 'asWritten' || prepared.inPlace ? 0 : 1;
  const data = heldOut(prepared.allData, command.evalRows);
  compileForRun(seeded.model, prepared.compile);
  const layerCalls = findLayerCalls(prepared.code, request.file, prepared.name);
  // The first seed's model is the one built (and whose layers' lines were recorded) in set-up, and the
  // swap keeps its layer names; a later seed's rebuild counts names up, so its lines are mapped again.
  const firstSeed = command.seed === request.seed;
  const sources = firstSeed ? prepared.sources : mapLayersToSources(seeded.model.layers.map((l) => ({ name: l.name, className: l.getClassName() })), layerCalls, request.file);
  // The graph and the live per-layer statistics are the first seed's, as the report's runs are.
  const graph = firstSeed ? tryExtractModelGraph(seeded.model, graphSourceLookup(seeded.model, layerCalls, request.file, sources)) : undefined;
  if (graph) {
    send({ type: 'graph', run, norm: seeded.norm, graph });
  }
  const streamStats = firstSeed ? (step: number, layers: LayerSample[]) => send({ type: 'layerStats', run, norm: seeded.norm, step, layers }) : undefined;
  let scores: number[] | null = null;
  let scoringCpuMs = 0;
  gate.startSeed(command.upTo, command.steps);
  let shown: number | undefined;
  const cpuBefore = process.cpuUsage();
  try {
    const report = await trainRun({
      tf,
      model: seeded.model,
      data,
      norm: seeded.norm,
      steps: request.steps,
      batchSize: command.batchSize,
      seed: command.seed,
      sources,
      checkLimits,
      plannedSteps: (done) => gate.planned(done, (step) => send({ type: 'reached', seed: command.seed, step })),
      onStep: (step, loss) => {
        shown = shownTotal(shown, gate.steps, step);
        emitProgress((m) => send(m.type === 'progress' ? { ...m, seed: command.seed } : m), run, seeded.norm, step, shown, loss, step === 1 ? context : undefined);
      },
      onNaN: (finding) => send({ type: 'layerNaN', run, finding }),
      telemetry: command.telemetry && prepared.trainableParams > 0 ? new TelemetryCollector(tf, seeded.model, request.steps, sources, streamStats) : undefined,
      scoreHeldOut: (m, d) => {
        const before = process.cpuUsage();
        const scored = scoreExamples(tf, m, d);
        const spent = process.cpuUsage(before);
        scoringCpuMs = (spent.user + spent.system) / 1000;
        scores = scored.scores;
        return { accuracy: scored.accuracy, error: scored.error };
      },
    });
    const cpu = process.cpuUsage(cpuBefore);
    send({ type: 'seedDone', seed: command.seed, run: { ...report, ...(graph ? { graph } : {}), ...(prepared.inPlace ? { swapped: true } : {}) }, scores, cpuMs: (cpu.user + cpu.system) / 1000 - scoringCpuMs, baseline: baselineOf(tf, data) });
  } catch (err) {
    if (!(err instanceof SeedAbandoned)) {
      throw err;
    }
  }
}
