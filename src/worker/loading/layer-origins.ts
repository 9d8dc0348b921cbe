/**
 * Where each layer of the user's model was created, recorded while the builder runs: every
 * `tf.layers.<factory>(…)` call (and, for custom layers, a layer's first `apply`) notes the first
 * frame of its stack that is the user's code. A layer built in a helper, a loop, a class method, a
 * sibling file or through an injected `tf` gets the line that really built it, which the static
 * mapping (core/training/layer-sources.ts) can only guess; a layer no user frame created (the input
 * layer a Sequential adds) gets none.
 */
import * as fs from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import type { SourceLocation } from '../../core/training/protocol';

export interface LayerOrigins {
  /** The user's line that created `layer`, or undefined. */
  originOf(layer: tfjs.layers.Layer): SourceLocation | undefined;
  /** Puts the factories back (the map stays readable). */
  restore(): void;
}

const existing = new Map<string, boolean>();

/** This project's files that wrap the user's tf.layers calls (layer-config-guard.ts): never the user's line. */
const wrapperFiles = new Set<string>([__filename]);

/** Frames of `file` are skipped when looking for the user's line (run from sources, each file is its own). */
export function skipFramesOf(file: string): void {
  wrapperFiles.add(file);
}

/**
 * Frames of our own code and of packages are never the user's line; nor is a path a package's source
 * map points at (tfjs maps its frames to `…/tfjs-layers/src/models.ts`, which is not on disk).
 */
function isUserFrame(file: string, ownFiles: ReadonlySet<string>): boolean {
  if (file.startsWith('node:') || file.includes('node_modules') || ownFiles.has(file) || wrapperFiles.has(file) || file.includes('/__rbn_') || !file.startsWith('/')) {
    return false;
  }
  let exists = existing.get(file);
  if (exists === undefined) {
    exists = fs.existsSync(file);
    existing.set(file, exists);
  }
  return exists;
}

/** The first user frame of `stack`: `at f (/p/model.ts:12:5)` or `at /p/model.ts:12:5`. */
export function firstUserFrame(stack: string, ownFiles: ReadonlySet<string>): SourceLocation | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const match = /(?:\(|at )((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(line.trim());
    const file = match?.[1].replace(/^file:\/\//, '');
    if (file && match && isUserFrame(file, ownFiles)) {
      return { file, line: Number(match[2]) };
    }
  }
  return undefined;
}

export function recordLayerOrigins(tf: typeof tfjs, ownFiles: ReadonlySet<string> = new Set([__filename])): LayerOrigins {
  const origins = new WeakMap<object, SourceLocation>();
  const restores: (() => void)[] = [];
  const note = (layer: unknown) => {
    if (typeof layer === 'object' && layer !== null && !origins.has(layer)) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 50;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const origin = firstUserFrame(stack, ownFiles);
      if (origin) {
        origins.set(layer, origin);
      }
    }
  };
  restores.push(
    wrapLayerFactories(tf, (_key, original) =>
      function (this: unknown, ...args: unknown[]) {
        const layer = original.apply(this, args);
        note(layer);
        return layer;
      },
    ),
  );
  const proto = tf.layers.Layer.prototype as unknown as { apply: (...args: unknown[]) => unknown };
  const apply = proto.apply;
  proto.apply = function (this: object, ...args: unknown[]) {
    note(this);
    return apply.apply(this, args);
  };
  restores.push(() => {
    proto.apply = apply;
  });
  return {
    originOf: (layer) => origins.get(layer),
    restore: () => restores.splice(0).forEach((r) => r()),
  };
}

export type LayerFactory = (...args: unknown[]) => unknown;

/** Replaces every `tf.layers.<factory>` (lower-case, writable) with `wrap`'s; returns the function that puts them back. */
export function wrapLayerFactories(tf: typeof tfjs, wrap: (key: string, original: LayerFactory) => LayerFactory): () => void {
  const factories = tf.layers as unknown as Record<string, unknown>;
  const originals = new Map<string, LayerFactory>();
  for (const [key, value] of Object.entries(factories)) {
    const descriptor = Object.getOwnPropertyDescriptor(factories, key);
    if (typeof value !== 'function' || !/^[a-z]/.test(key) || !descriptor?.writable) {
      continue;
    }
    originals.set(key, value as LayerFactory);
    factories[key] = wrap(key, value as LayerFactory);
  }
  return () => originals.forEach((original, key) => (factories[key] = original));
}

/** The static mapping with each layer's recorded origin in place of its guess (the guess stays where nothing was recorded). */
export function withOrigins(sources: Map<string, SourceLocation | null>, model: tfjs.LayersModel, origins: LayerOrigins): Map<string, SourceLocation | null> {
  const out = new Map(sources);
  for (const layer of model.layers) {
    const origin = origins.originOf(layer);
    if (origin) {
      out.set(layer.name, origin);
    }
  }
  return out;
}
