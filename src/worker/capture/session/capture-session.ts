/**
 * The sanity session inside the user's program (bundled to dist/capture-session.js; the hook loads
 * it when it has taken a model): the same session, data fitting and report as for a builder, on the
 * live model the program built, its compile() settings, and the batches it fed to training.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { CapturedCompile, SanityCapture } from '../../../core/training/capture';
import type { SanityReport, SanityRequest, WorkerMessage } from '../../../core/training/protocol';
import { describeError, isWasmAbort, SanityFailure } from '../../errors';
import { runSanitySession, type SessionContext } from '../../sanity-session';
import { builderAtLine } from './builder-at';
import type { CaptureConfig } from '../capture-config';
import { captureRuntime } from './capture-runtime';
import { capturedTrainingData, type CapturedData } from './captured-data';
import type { CapturedTarget } from './captured-target';
import type { ModelSource } from './model-source';
import { openChannel } from '../socket-channel';
import { epochMs, monotonicMs } from '../../clock';

const MEMORY_ENV = 'RBN_SANITY_MAX_MEMORY_MB';

export async function runCapturedSession(target: CapturedTarget, config: CaptureConfig, ownRoot: string): Promise<void> {
  const channel = await openChannel(config.socket);
  const context: SessionContext = {};
  let finished = false;
  const finish = (message: WorkerMessage) => {
    if (!finished) {
      finished = true;
      channel.send(message);
    }
  };
  const fail = (err: unknown) => finish(failureMessage(err, context, target.site?.file));
  // The program's own timers may still throw while the session runs: the run ends with that message.
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    const { request, source, captured } = await prepare(target, config, ownRoot);
    const capMb = Number(process.env[MEMORY_ENV]);
    const report = await runSanitySession(request, (m) => channel.send(m), () => checkMemory(capMb), context, { memoryCapMb: capMb > 0 ? capMb : undefined }, source);
    finish({ type: 'done', report: { ...report, capture: captureOf(target, config, report, captured()) } });
  } catch (err) {
    fail(err);
  }
  await channel.close();
}

async function prepare(target: CapturedTarget, config: CaptureConfig, ownRoot: string): Promise<{ request: SanityRequest; source: ModelSource; captured: () => CapturedData | undefined }> {
  const from = config.request.from!;
  registerLiveLayerClasses(target.tf, target.model);
  const before = target.tf.getBackend();
  const runtime = await captureRuntime(target.tf, target.layersFile, config.request.backend, ownRoot, target.takenAfterS !== undefined);
  if (runtime.backend !== before) {
    rehome(target);
  }
  const built = target.builtAt ?? target.site;
  const code = built ? readOrEmpty(built.file) : '';
  const builder = built && code ? builderOrUndefined(code, built.file, built.line) : undefined;
  let captured: CapturedData | undefined;
  const source: ModelSource = {
    runtime,
    model: target.model,
    call: { model: builder ?? target.model.name, args: [], argsSource: `captured from \`${from.command}\`` },
    code,
    notes: [...target.notes, ...compileNote(target)],
    data: (shape, io, perOutput) => {
      captured = target.collector ? capturedTrainingData(target.tf, target.collector.batches, shape, io, perOutput) : undefined;
      return captured?.data;
    },
  };
  // The session plans its steps against this process's clock; the launcher's deadline is absolute.
  const timeoutMs = Math.max(1000, config.deadline - epochMs() + monotonicMs());
  const request: SanityRequest = { ...config.request, file: built?.file ?? path.join(from.cwd, 'package.json'), timeoutMs };
  return { request, source, captured: () => captured };
}

function captureOf(target: CapturedTarget, config: CaptureConfig, report: SanityReport, captured: CapturedData | undefined): SanityCapture {
  const examples = target.collector?.examples ?? 0;
  const data = captured ? 'captured' : report.data === 'mnist' ? 'mnist' : 'synthetic';
  const compile = compileOf(target);
  return { command: config.request.from!.command, site: target.site, kind: target.kind, examples, heldOut: captured?.heldOut ?? 0, data, index: target.index, ...(compile ? { compile } : {}), ...(target.takenAfterS !== undefined ? { takenAfterS: target.takenAfterS } : {}), ...(target.programFailed !== undefined ? { programFailed: target.programFailed } : {}) };
}

/**
 * The program's own layer classes that it never registered for serialization, registered now from
 * the live objects: Compare's swap rebuilds the model from its config, and a class the program
 * defined (in a closure, too) then rebuilds as the program would construct it.
 */
export function registerLiveLayerClasses(tf: typeof tfjs, model: tfjs.LayersModel): string[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const added: string[] = [];
  for (const layer of model.layers) {
    const cls = layer.constructor as tfjs.serialization.SerializableConstructor<tfjs.serialization.Serializable> & { className?: string };
    const name = layer.getClassName();
    if (!(name in known) && cls.className === name) {
      tf.serialization.registerClass(cls);
      added.push(name);
    }
  }
  return added;
}

/** The program's compile() settings, as it gave them. */
export function compileOf(target: Pick<CapturedTarget, 'model' | 'compileArgs'>): CapturedCompile | undefined {
  const model = target.model as unknown as { optimizer_?: tfjs.Optimizer; loss?: unknown };
  if (!model.optimizer_) {
    return undefined;
  }
  const lossName = (l: unknown) => (typeof l === 'string' ? l : 'custom');
  const loss = Array.isArray(model.loss) ? model.loss.map(lossName) : typeof model.loss === 'object' && model.loss !== null ? Object.values(model.loss).map(lossName) : lossName(model.loss);
  return {
    optimizer: model.optimizer_.getClassName(),
    optimizerConfig: model.optimizer_.getConfig() as Record<string, unknown>,
    loss,
    metrics: metricNames((target.compileArgs as { metrics?: unknown } | undefined)?.metrics),
  };
}

/** compile()'s `metrics`: names, functions (by their name), a list of them or an object by output. */
function metricNames(metrics: unknown): string[] {
  const list = Array.isArray(metrics) ? metrics : typeof metrics === 'object' && metrics !== null ? Object.values(metrics).flat() : metrics === undefined ? [] : [metrics];
  return list.map((m) => (typeof m === 'string' ? m : typeof m === 'function' && m.name ? m.name : 'custom'));
}

function compileNote(target: CapturedTarget): string[] {
  const compile = compileOf(target);
  return compile ? [] : ['the program had not compiled the model: the session compiles it with its defaults'];
}

function builderOrUndefined(code: string, file: string, line: number): string | undefined {
  try {
    return builderAtLine(code, file, line);
  } catch {
    return undefined;
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * The model's weights and the captured batches written afresh on the backend just chosen: tfjs moves
 * a tensor from another backend lazily on first use, and the wasm backend's move of a large one
 * fails when its heap grows during it ("detached ArrayBuffer"); a plain write does not.
 */
function rehome(target: CapturedTarget): void {
  const { tf, model } = target;
  const fresh = (t: tfjs.Tensor) => {
    const copy = tf.tensor(t.dataSync() as Float32Array, t.shape, t.dtype);
    t.dispose();
    return copy;
  };
  const weights = model.getWeights();
  model.setWeights(weights.map((w) => tf.tensor(w.dataSync() as Float32Array, w.shape, w.dtype)));
  for (const batch of target.collector?.batches ?? []) {
    batch.xs = batch.xs.map(fresh);
    batch.ys = batch.ys.map(fresh);
  }
}

function checkMemory(capMb: number): void {
  if (capMb > 0 && process.memoryUsage.rss() > capMb * 1024 * 1024) {
    throw new SanityFailure('memory', `the program used more than its ${capMb} MB memory cap during the sanity-train; lower --batch-size or use a smaller model`);
  }
}

function failureMessage(err: unknown, context: SessionContext, file: string | undefined): WorkerMessage {
  const runtime = context.runtime ? { runtime: context.runtime } : {};
  if (err instanceof SanityFailure) {
    return { type: 'error', reason: err.reason, message: err.message, ...runtime };
  }
  if (isWasmAbort(err)) {
    return { type: 'error', reason: 'memory', message: `the wasm backend ran out of memory (its heap holds at most 4 GB) at batch size ${context.batchSize ?? '?'}; lower --batch-size`, ...runtime };
  }
  // The whole stack goes to the program's output (the log): the one line cannot hold it.
  process.stderr.write(`rbn-capture: ${err instanceof Error ? err.stack : String(err)}\n`);
  return { type: 'error', reason: 'internal', message: `sanity-train failed on the captured model: ${describeError(err, file)}`, ...runtime };
}
