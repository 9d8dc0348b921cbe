/**
 * Some tfjs-layers factories throw when called with no config object: `tf.layers.globalAveragePooling2d()`
 * reads `args.dataFormat` of undefined ("Cannot read properties of undefined (reading 'dataFormat')"),
 * in the user's program as here, while `flatten()` or `batchNormalization()` take no argument. While
 * the builder runs, such a call is retried with `{}` where tfjs then gives the field it read a default
 * (`dropout({})` has no rate, so it still fails as written), and the report says first that the
 * program's own line throws and what to write there.
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
  const restore = wrapLayerFactories(tf, (key, original) =>
    function (this: unknown, ...args: unknown[]) {
      try {
        return original.apply(this, args);
      } catch (err) {
        const field = missingConfigField(err);
        const layer = field === undefined || args[0] !== undefined ? undefined : withDefaultFor(field, () => original.call(this, {}, ...args.slice(1)));
        if (field === undefined || layer === undefined) {
          throw err;
        }
        const site = firstUserFrame(new Error().stack ?? '', new Set([__filename]));
        const note = missingConfigNote(key, field, site && `${site.file}:${site.line}`, tf.version_layers);
        if (!notes.includes(note)) {
          notes.push(note);
        }
        return layer;
      }
    },
  );
  return { notes, restore };
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
