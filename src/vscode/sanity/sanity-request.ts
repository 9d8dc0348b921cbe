/**
 * From the user's settings to the worker's request (pure). Out-of-range settings fall back to their
 * defaults instead of failing, because a typo in settings.json should not break a one-click check.
 */
import { SANITY_DEFAULTS } from '../../core/training/defaults';
import type { BackendPreference, BuilderCallValues, SanityRequest } from '../../core/training/protocol';

/** The `runningBatchNorm.sanity.*` settings, as `vscode/configuration.ts` reads them. */
export interface SanitySettings {
  steps: number;
  batchSize: number;
  /** Wall-clock budget for the whole job (both runs with compare). */
  timeBudgetSeconds: number;
  /** Heap cap for the training child process. */
  maxMemoryMb: number;
  backend: BackendPreference;
  /** null: the optimizer's own learning rate from the model's compile(), else the worker's default. */
  learningRate: number | null;
  data: 'auto' | 'mnist' | 'synthetic';
  /** Per-layer telemetry (activation and gradient statistics per layer in the report). */
  telemetry: boolean;
  /** Threads for the wasm backend; 0 (the default) = auto, half the logical cores (1 to 8). */
  threads?: number;
}

/** The CLI's defaults (SANITY_DEFAULTS), so `rbn sanity` and the editor train the same way. */
export const DEFAULT_SANITY_SETTINGS: SanitySettings = {
  steps: SANITY_DEFAULTS.steps,
  batchSize: SANITY_DEFAULTS.batchSize,
  timeBudgetSeconds: SANITY_DEFAULTS.timeoutMs / 1000,
  maxMemoryMb: 4096,
  backend: SANITY_DEFAULTS.backend,
  learningRate: null,
  data: 'auto',
  telemetry: true,
  threads: 0,
};

/** The CLI's seed: the same model gives the same report from the lens and from `rbn sanity`. */
export const SANITY_SEED = SANITY_DEFAULTS.seed;

function positiveInt(value: number, fallback: number): number {
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** The settings with every out-of-range value replaced by its default. */
export function sanitizeSettings(s: SanitySettings): SanitySettings {
  const d = DEFAULT_SANITY_SETTINGS;
  return {
    steps: positiveInt(s.steps, d.steps),
    batchSize: positiveInt(s.batchSize, d.batchSize),
    timeBudgetSeconds: Number.isFinite(s.timeBudgetSeconds) && s.timeBudgetSeconds > 0 ? s.timeBudgetSeconds : d.timeBudgetSeconds,
    maxMemoryMb: positiveInt(s.maxMemoryMb, d.maxMemoryMb),
    backend: (['auto', 'cpu', 'wasm', 'tensorflow'] as const).includes(s.backend) ? s.backend : d.backend,
    learningRate: s.learningRate !== null && Number.isFinite(s.learningRate) && s.learningRate > 0 ? s.learningRate : null,
    data: (['auto', 'mnist', 'synthetic'] as const).includes(s.data) ? s.data : d.data,
    telemetry: typeof s.telemetry === 'boolean' ? s.telemetry : d.telemetry,
    threads: Number.isInteger(s.threads) && (s.threads as number) >= 0 ? s.threads : d.threads,
  };
}

/** The request for one sanity-train job of `model` in `file`. */
export function buildSanityRequest(file: string, model: string, compare: boolean, settings: SanitySettings, call: BuilderCallValues = {}): SanityRequest {
  const s = sanitizeSettings(settings);
  return {
    file,
    model,
    ...(call.args ? { args: call.args } : {}),
    ...(call.ctorArgs ? { ctorArgs: call.ctorArgs } : {}),
    ...(call.argsSource && (call.args || call.ctorArgs) ? { argsSource: call.argsSource } : {}),
    ...(call.moduleVars ? { moduleVars: call.moduleVars, ...(call.moduleVarsSource ? { moduleVarsSource: call.moduleVarsSource } : {}) } : {}),
    ...(call.instanceVars ? { instanceVars: call.instanceVars, ...(call.instanceVarsSource ? { instanceVarsSource: call.instanceVarsSource } : {}) } : {}),
    steps: s.steps,
    batchSize: s.batchSize,
    ...(s.learningRate !== null ? { learningRate: s.learningRate } : {}),
    compare,
    ...(s.data !== 'auto' ? { data: s.data } : {}),
    backend: s.backend,
    ...(s.threads ? { threads: s.threads } : {}),
    timeoutMs: Math.round(s.timeBudgetSeconds * 1000),
    seed: SANITY_SEED,
    ...(s.telemetry ? {} : { telemetry: false }),
  };
}
