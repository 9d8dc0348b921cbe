/**
 * What a builder's file says about the data it expects, from its layer calls (and those of the
 * helper files it imports and calls: a U-Net's `encoderBlock(x, 64)` four times is four poolings).
 *
 * Image sizes: 28×28×1 for a plain CNN, so a 10-class image classifier gets real MNIST digits;
 * a 10×10 board for reinforcement-learning code (a DQN's convolutions over a game grid).
 * Code that halves the image k ≥ 3 times (pooling, stride 2) or upsamples gets the SMALLEST square
 * side that survives it: 2^k, at least 32, with 3 channels. A sanity run wants the quickest input the
 * model accepts; a U-Net with 1,024 filters at its bottom is slow enough at 32×32.
 */
import * as path from 'node:path';
import type { PackageFile } from '../builders/call-sites';

export interface DataHint {
  input: 'image' | 'sequence' | 'flat';
  /** Side of a square image input. */
  imageSize: number;
  channels: number;
}

/** A file the builder's file imports, and how often the builder's file calls what it imports. */
export interface HelperFile {
  code: string;
  calls: number;
}

/** The MNIST side: the default when the code does not shrink the image more than twice. */
const MNIST_SIDE = 28;
/** The side of a game board or grid (a DQN's input): small, so its convolutions are quick. */
export const BOARD_SIDE = 10;
/** Code that learns to play: its 2D input is a board, not a photo. */
const REINFORCEMENT = /\b(dqn|\w*q-?network|\w*qnet|num_?actions|NUM_ACTIONS|action_?space|replay_?buffer|replay_?memory)\b/i;
/** The smallest side for encoder-decoders and deep CNNs. */
const MIN_DEEP_SIDE = 32;

interface Vocabulary {
  upsamples: number;
  downsamples: number;
  image: boolean;
  sequence: boolean;
}

function readVocabulary(code: string): Vocabulary {
  const count = (re: RegExp) => (code.match(re) ?? []).length;
  const pools = count(/\b(maxPooling2d|averagePooling2d|maxPool2d|avgPool2d|maxPool|avgPool)\b/g);
  // Other layers halve the image with `strides: 2` (a pooling layer given strides counts once; a
  // transposed convolution with strides doubles it).
  let strided = 0;
  for (const [, layer, config] of code.matchAll(/\b([A-Za-z_$][\w$]*)\s*\(\s*\{([^{}]*)\}/g)) {
    if (!/pool|transpose|upsampling/i.test(layer) && /strides\s*:\s*(2|\[\s*2\s*,\s*2\s*\])/.test(config)) {
      strided++;
    }
  }
  return {
    upsamples: count(/\b(upSampling2d|conv2dTranspose)\b/g),
    downsamples: pools + strided,
    image: /\b(conv2d|separableConv2d|depthwiseConv2d|maxPooling2d|upSampling2d|conv2dTranspose)\b/.test(code),
    sequence: /\b(conv1d|lstm|gru|simpleRNN|embedding|bidirectional)\b/.test(code),
  };
}

/** Reads the layer vocabulary of a file and of the helpers it calls. */
export function readDataHint(code: string, helpers: readonly HelperFile[] = []): DataHint {
  const own = readVocabulary(code);
  let { upsamples, downsamples, image } = own;
  for (const helper of helpers) {
    const v = readVocabulary(helper.code);
    upsamples += v.upsamples * helper.calls;
    downsamples += v.downsamples * helper.calls;
    image ||= v.image && helper.calls > 0;
  }
  const halvings = Math.max(upsamples, downsamples);
  const deep = upsamples > 0 || downsamples >= 3;
  return {
    input: image ? 'image' : own.sequence ? 'sequence' : 'flat',
    imageSize: deep ? Math.max(MIN_DEEP_SIDE, 2 ** halvings) : REINFORCEMENT.test(code) ? BOARD_SIDE : MNIST_SIDE,
    channels: deep ? 3 : 1,
  };
}

/** A shape of the tuple's rank, or of the rank the file's layers expect. */
export function shapeFor(hint: DataHint, rank: number | undefined): number[] {
  const image = [hint.imageSize, hint.imageSize, hint.channels];
  switch (rank ?? (hint.input === 'image' ? 3 : hint.input === 'sequence' ? 2 : 1)) {
    case 1:
      return [784];
    case 2:
      return hint.input === 'image' ? [hint.imageSize, hint.imageSize] : [10, 8];
    case 3:
      return image;
    case 4:
      return [4, ...image];
    default:
      return image;
  }
}

/**
 * The package files `builderFile` imports with a relative path (`./utilities/encoderBlock.js` is
 * `encoderBlock.ts` in TypeScript sources), each with how many calls of its imported names the
 * builder's file makes (`ns.f(…)` for a namespace import).
 */
export function findHelperFiles(builderFile: PackageFile, files: readonly PackageFile[]): HelperFile[] {
  const byPath = new Map(files.map((f) => [path.resolve(f.file), f]));
  const out: HelperFile[] = [];
  for (const { specifier, names } of relativeImports(builderFile.code)) {
    const target = resolveImport(path.resolve(path.dirname(builderFile.file), specifier), byPath);
    if (target === undefined || target.file === builderFile.file) {
      continue;
    }
    const calls = names.reduce((sum, n) => sum + (builderFile.code.match(new RegExp(`(?<![\\w$.])${n.replace(/\$/g, '\\$')}\\s*(\\.\\s*[A-Za-z_$][\\w$]*\\s*)?\\(`, 'g')) ?? []).length, 0);
    out.push({ code: target.code, calls });
  }
  return out;
}

/** `import { a, b as c } from './x'`, `import * as ns from './x'`, `const { a } = require('./x')`, `const m = require('./x')`. */
export function relativeImports(code: string): { specifier: string; names: string[] }[] {
  const out: { specifier: string; names: string[] }[] = [];
  const forms = [
    /import\s+(?:type\s+)?([\w$]+\s*,\s*)?(\{[^}]*\}|\*\s+as\s+[\w$]+|[\w$]+)\s+from\s+['"](\.{1,2}\/[^'"]+)['"]/g,
    /(?:const|let|var)\s+(\{[^}]*\}|[\w$]+)\s*=\s*require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  ];
  for (const match of code.matchAll(forms[0])) {
    out.push({ specifier: match[3], names: [...bindingNames(match[2]), ...bindingNames(match[1] ?? '')] });
  }
  for (const match of code.matchAll(forms[1])) {
    out.push({ specifier: match[2], names: bindingNames(match[1]) });
  }
  return out;
}

/** The local names a binding introduces: `{ a, b as c }` → a, c; `* as ns` → ns; `m` → m. */
function bindingNames(binding: string): string[] {
  const text = binding.trim().replace(/,$/, '').trim();
  const isName = (n: string) => /^[A-Za-z_$][\w$]*$/.test(n);
  if (text.startsWith('{')) {
    const elements = text.slice(1, -1).split(',').map((s) => s.trim());
    return elements.map((s) => s.split(/\s+as\s+|\s*:\s*/).pop() ?? '').map((s) => s.trim()).filter(isName);
  }
  const namespace = /^\*\s+as\s+([\w$]+)$/.exec(text);
  return namespace ? [namespace[1]] : isName(text) ? [text] : [];
}

function resolveImport(resolved: string, byPath: ReadonlyMap<string, PackageFile>): PackageFile | undefined {
  const stem = resolved.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [resolved, ...['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.jsx'].flatMap((ext) => [stem + ext, path.join(resolved, `index${ext}`)])];
  for (const candidate of candidates) {
    const file = byPath.get(candidate);
    if (file !== undefined) {
      return file;
    }
  }
  return undefined;
}

/** Image sides above this, taken from a call or a default, are made smaller for a sanity run. */
const MAX_QUICK_SIDE = 64;

/**
 * A smaller version of a big image shape from the user's code (`[256, 256, 3]` → `[32, 32, 3]`): the
 * same shape divided by the largest power of two that keeps both sides whole and at least the hint's
 * side, so every pooling and skip connection still lines up. Undefined when `value` is not an image
 * shape (`[h, w, c]`, or `[n|null, h, w, c]`) with a side above 64.
 */
export function quickImageShape(value: unknown, hint: DataHint): number[] | undefined {
  if (!Array.isArray(value) || (value.length !== 3 && value.length !== 4)) {
    return undefined;
  }
  const offset = value.length - 3;
  const [h, w, c] = value.slice(offset) as unknown[];
  const isSide = (n: unknown): n is number => Number.isInteger(n) && (n as number) > 0;
  if (!isSide(h) || !isSide(w) || !isSide(c) || c > 4 || Math.max(h, w) <= MAX_QUICK_SIDE || value.slice(0, offset).some((n) => n !== null && !isSide(n))) {
    return undefined;
  }
  let factor = 1;
  while (h % (factor * 2) === 0 && w % (factor * 2) === 0 && Math.min(h, w) / (factor * 2) >= hint.imageSize) {
    factor *= 2;
  }
  return factor === 1 ? undefined : [...(value.slice(0, offset) as number[]), h / factor, w / factor, c];
}
