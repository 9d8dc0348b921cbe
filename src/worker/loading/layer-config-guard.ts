/**
 * Some tfjs-layers factories throw when called with no config object: `tf.layers.globalAveragePooling2d()`
 * reads `args.dataFormat` of undefined ("Cannot read properties of undefined (reading 'dataFormat')"),
 * in the user's program as here, while `flatten()` or `batchNormalization()` take no argument. While
 * the builder runs, such a call is retried with `{}` where tfjs then gives the field it read a default
 * (`dropout({})` has no rate, so it still fails as written), and the report says first that the
 * program's own line throws and what to write there. So is a regularizer named as Keras names it
 * (`kernelRegularizer: 'l2'`, "Unknown regularizer: l2" in tfjs): built with tfjs's `l2` at Keras's
 * default strength (0.01), said the same way.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { firstUserFrame, skipFramesOf, wrapLayerFactories } from './layer-origins';

// Its factory wrappers sit between the user's line and layer-origins.ts's own.
skipFramesOf(__filename);

export interface LayerConfigGuard {
  /** One line per factory and line that needed `{}`. */
  notes: string[];
  /** Puts the factories back. */
  restore(): void;
}

const READ_OF_UNDEFINED = /^Cannot read propert(?:y|ies) of undefined \(reading '([^']+)'\)$/;

/** The field a factory read of its missing config, when `err` is that TypeError. */
export function missingConfigField(err: unknown): string | undefined {
  return err instanceof TypeError ? READ_OF_UNDEFINED.exec(err.message)?.[1] : undefined;
}

export function missingConfigNote(factory: string, field: string, where: string | undefined, version: string): string {
  return `tf.layers.${factory}()${where ? ` at ${where}` : ''} is called without a config object, and tfjs ${version} reads its '${field}': it throws there in your program too ("Cannot read properties of undefined"). Sanity-train built it with ${factory}({}) (tfjs's defaults), to go on: write ${factory}({}) there`;
}

/** Wraps every `tf.layers.<factory>` until `restore()`. */
export function guardLayerConfigs(tf: typeof tfjs): LayerConfigGuard {
  const notes: string[] = [];
  // Said once per factory and line: the note names the user's line that called the factory.
  const noteAt = (say: (where: string | undefined) => string): void => {
    const site = firstUserFrame(new Error().stack ?? '', new Set([__filename]));
    const note = say(site && `${site.file}:${site.line}`);
    if (!notes.includes(note)) {
      notes.push(note);
    }
  };
  const restore = wrapLayerFactories(tf, (key, original) =>
    function (this: unknown, ...args: unknown[]) {
      try {
        return original.apply(this, args);
      } catch (err) {
        const keras = kerasRegularizerName(err);
        if (keras !== undefined && isConfig(args[0])) {
          const built = original.call(this, withKerasRegularizers(args[0], keras, tf), ...args.slice(1));
          noteAt((where) => kerasRegularizerNote(key, keras, where, tf.version_layers));
          return built;
        }
        const field = missingConfigField(err);
        const layer = field === undefined || args[0] !== undefined ? undefined : withDefaultFor(field, () => original.call(this, {}, ...args.slice(1)));
        if (field === undefined || layer === undefined) {
          throw err;
        }
        noteAt((where) => missingConfigNote(key, field, where, tf.version_layers));
        return layer;
      }
    },
  );
  return { notes, restore };
}

/** Keras's names for its regularizers, which tfjs's layers do not take as strings, and the tfjs factory each stands for. */
const KERAS_REGULARIZERS: Record<string, 'l1' | 'l2' | 'l1l2'> = { l1: 'l1', l2: 'l2', l1_l2: 'l1l2', l1l2: 'l1l2' };
/** Keras's default strength for them. */
const KERAS_STRENGTH = 0.01;

/** `'l2'` when `err` is tfjs's "Unknown regularizer: l2" for one of Keras's names; else undefined. */
function kerasRegularizerName(err: unknown): string | undefined {
  const name = err instanceof Error ? /^Unknown regularizer: (\w+)/.exec(err.message)?.[1] : undefined;
  return name !== undefined && Object.prototype.hasOwnProperty.call(KERAS_REGULARIZERS, name.toLowerCase()) ? name : undefined;
}

function isConfig(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The config with each `…Regularizer: 'l2'` (that name) made tfjs's regularizer at Keras's default strength. */
function withKerasRegularizers(config: Record<string, unknown>, name: string, tf: typeof tfjs): Record<string, unknown> {
  const kind = KERAS_REGULARIZERS[name.toLowerCase()];
  const make = () => (kind === 'l1' ? tf.regularizers.l1({ l1: KERAS_STRENGTH }) : kind === 'l2' ? tf.regularizers.l2({ l2: KERAS_STRENGTH }) : tf.regularizers.l1l2({ l1: KERAS_STRENGTH, l2: KERAS_STRENGTH }));
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, key.endsWith('Regularizer') && value === name ? make() : value]));
}

export function kerasRegularizerNote(factory: string, name: string, where: string | undefined, version: string): string {
  const kind = KERAS_REGULARIZERS[name.toLowerCase()];
  const written = kind === 'l1l2' ? `tf.regularizers.l1l2({ l1: ${KERAS_STRENGTH}, l2: ${KERAS_STRENGTH} })` : `tf.regularizers.${kind}({ ${kind}: ${KERAS_STRENGTH} })`;
  return `tf.layers.${factory}()${where ? ` at ${where}` : ''} names its regularizer '${name}', as Keras does, and tfjs ${version} knows no regularizer by that name: it throws there in your program too ("Unknown regularizer: ${name}"). Sanity-train built it with ${written} (Keras's default for '${name}'), to go on: write that there`;
}

/** The layer `make` builds with `{}`, when that gives `field` a value (tfjs's default for it); else undefined. */
function withDefaultFor(field: string, make: () => unknown): unknown {
  try {
    const layer = make() as { getConfig?: () => Record<string, unknown> };
    const value = layer.getConfig?.()[field];
    return value === undefined || Number.isNaN(value) ? undefined : layer;
  } catch {
    return undefined;
  }
}
