/**
 * One sanity-train inside the worker process: find and build the model, pick the data, train the
 * model as written and (with `compare`) its in-memory BatchNorm ⇄ RunningBatchNorm swap on the same
 * seed, data and initial weights, and assemble the report.
 */
import * as fs from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import { findLayerCalls, mapLayersToSources } from '../core/training/layer-sources';
import type { NanFinding, NormKind, RunReport, SanityReport, SanityRequest, WorkerMessage } from '../core/training/protocol';
import { chooseCompile, compileForRun } from './compile';
import { customData } from './custom-data';
import { BadInputError, describeError } from './errors';
import { invokeBuilder } from './invoke-builder';
import { installModuleHooks, requireUserModule } from './module-loader';
import { countNorms, swapNorms } from './norm-swap';
import { seedMathRandom } from './random';
import { TelemetryCollector } from './telemetry/collector';
import { loadTfjsRuntime } from './tfjs-runtime';
import { trainRun } from './train-run';
import { describeModel, isMnistShaped, mnistData, syntheticData, type ModelShape, type TrainingData } from './training-data';

export type Emit = (message: WorkerMessage) => void;

function readSource(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read ${file}: ${describeError(err)}`);
  }
}

async function chooseData(tf: typeof tfjs, request: SanityRequest, shape: ModelShape, sparse: boolean): Promise<TrainingData> {
  const provider = requireUserModule(request.file).sanityData;
  if (typeof provider === 'function' && request.data === undefined) {
    return customData(tf, provider as () => unknown, shape, sparse, request.file);
  }
  if (request.data === 'mnist' && !isMnistShaped(shape)) {
    throw new BadInputError(`--data mnist needs a model with 28×28×1 (or 784) inputs and 10 softmax outputs; this one takes [${shape.input.join(', ')}] and outputs ${shape.units}`);
  }
  if (request.data !== 'synthetic' && isMnistShaped(shape)) {
    return mnistData(tf, shape, request.seed, request.steps * request.batchSize, sparse);
  }
  return syntheticData(tf, shape, request.seed, sparse);
}

function normOf(model: tfjs.LayersModel): NormKind {
  const counts = countNorms(model);
  return counts.batchNormalization > 0 ? 'batchNormalization' : counts.runningBatchNorm > 0 ? 'runningBatchNorm' : 'none';
}

/** Runs the whole sanity-train and returns its report; failures throw SanityFailure. */
export async function runSanitySession(request: SanityRequest, emit: Emit, checkLimits: () => void): Promise<SanityReport> {
  const code = readSource(request.file);
  const runtime = await loadTfjsRuntime(request.file, request.backend, installModuleHooks);
  const { tf } = runtime;
  seedMathRandom(request.seed);
  const { model, call } = await invokeBuilder({ file: request.file, code, builderId: request.model, args: request.args, ctorArgs: request.ctorArgs, argsSource: request.argsSource, tf });
  const name = call.model;
  const shape = describeModel(model);
  const sparse = model.loss === 'sparseCategoricalCrossentropy';
  const data = await chooseData(tf, request, shape, sparse);
  const compile = chooseCompile(tf, model, shape, request.learningRate);
  const sources = mapLayersToSources(model.layers.map((l) => ({ name: l.name, className: l.getClassName() })), findLayerCalls(code, request.file, name), request.file);
  const notes = [`optimizer: ${compile.description}`];
  const models: { model: tfjs.LayersModel; norm: NormKind }[] = [{ model, norm: normOf(model) }];
  if (request.compare) {
    const swapped = await swapNorms(tf, model);
    if (swapped) {
      models.push({ model: swapped.model, norm: swapped.norm });
    } else {
      notes.push('--compare: the model has no BatchNormalization or RunningBatchNorm layer to swap, so only the model as written ran');
    }
  }
  const runs: RunReport[] = [];
  for (const [run, entry] of models.entries()) {
    compileForRun(entry.model, compile);
    const report = await trainRun({
      tf,
      model: entry.model,
      data,
      norm: entry.norm,
      steps: request.steps,
      batchSize: request.batchSize,
      seed: request.seed,
      // The swap keeps layer names, so both runs map to the same source lines.
      sources,
      checkLimits,
      onStep: (step, loss) => emitProgress(emit, run, entry.norm, step, request.steps, loss),
      onNaN: (finding: NanFinding) => emit({ type: 'layerNaN', run, finding }),
      telemetry: request.telemetry === false ? undefined : new TelemetryCollector(tf, entry.model, request.steps, sources),
    });
    runs.push(report);
  }
  const version = (tf.version as Record<string, string> | undefined)?.['tfjs'] ?? (tf.version_core as string | undefined) ?? 'unknown';
  return { backend: runtime.backend, backendSkipped: runtime.skipped, tfjs: { source: runtime.source, version }, data: data.source, task: data.task, model: name, file: request.file, runs, call, notes };
}

/** About a hundred progress messages per run, plus the last step. */
function emitProgress(emit: Emit, run: number, norm: NormKind, step: number, totalSteps: number, loss: number | null): void {
  const every = Math.max(1, Math.floor(totalSteps / 100));
  if (step % every === 0 || step === totalSteps || step === 1) {
    emit({ type: 'progress', run, norm, step, totalSteps, loss });
  }
}
