/**
 * The last resort for a builder argument: a value guessed from the parameter's type (TypeScript or
 * JSDoc) and its name, chosen so typical model code builds with it.
 *
 * Image sizes: 28×28×1 by default, so a 10-class image classifier gets real MNIST digits; 64×64×3 when
 * the file looks like an encoder-decoder or a deep CNN (it upsamples, or downsamples three times or
 * more), because U-Nets and GAN generators need sizes divisible by 16 or 32 and 28 is not.
 */
import type { BuilderParameter } from './types';

/** What the file says about the data it expects, from its layer calls. */
export interface DataHint {
  input: 'image' | 'sequence' | 'flat';
  /** Side of a square image input (28 or 64). */
  imageSize: number;
  channels: number;
}

export interface Guess {
  value: unknown;
  /** E.g. 'from the name inputShape', 'from the type boolean'. */
  detail: string;
}

/** Reads the layer vocabulary of a file. */
export function readDataHint(code: string): DataHint {
  const count = (re: RegExp) => (code.match(re) ?? []).length;
  const upsamples = count(/\b(upSampling2d|conv2dTranspose)\b/g);
  const downsamples = count(/\b(maxPooling2d|averagePooling2d|maxPool2d|avgPool2d)\b/g) + count(/strides\s*:\s*(2|\[\s*2\s*,\s*2\s*\])/g);
  const image = /\b(conv2d|separableConv2d|depthwiseConv2d|maxPooling2d|upSampling2d|conv2dTranspose)\b/.test(code);
  const sequence = /\b(conv1d|lstm|gru|simpleRNN|embedding|bidirectional)\b/.test(code);
  const big = upsamples > 0 || downsamples >= 3;
  return { input: image ? 'image' : sequence ? 'sequence' : 'flat', imageSize: big ? 64 : 28, channels: big ? 3 : 1 };
}

type Rule = [RegExp, (hint: DataHint, rank: number | undefined) => unknown];

/** Name rules on the lower-cased name without `_`, first match wins. */
const NAME_RULES: Rule[] = [
  [/shape$/, (hint, rank) => shapeFor(hint, rank)],
  [/^(num|n|number)?(of)?(classes|labels|categories|outputclasses)$|^classes?(count|num)?$|^numoutputs$/, () => 10],
  [/actions$/, () => 4],
  [/^(output|out)(dim|size|units)$/, () => 10],
  [/^(opts|options|config|cfg|params|settings|hparams|hyperparams|args)$/, () => ({})],
  [/^(h|w|height|width|rows|cols|columns|(img|image)(rows|cols|height|width|size|dim)|input(rows|cols|height|width)|size|resolution|side)$/, (hint) => hint.imageSize],
  [/^(c|ch|channels|(num|n|input|image|img|output|out)channels|channelcount)$/, (hint) => hint.channels],
  [/^(latent|noise|z|code|embedding)(size|dim|dims|dimension|length|units)?$|^zdim$/, () => 32],
  [/^(num|n)?(inputs|features|states|observations)$|^(state|observation|feature|input)(size|dim|count)$/, () => 16],
  [/^(num|n)?(layers|blocks|stages|levels)$|^depth$/, () => 2],
  [/kernel(size)?$/, () => 3],
  [/^strides?$/, () => 1],
  [/^pool(size)?$/, () => 2],
  [/filters$|^nf$|^ngf$|^ndf$/, () => 16],
  [/units$|^hidden|^neurons$|^dim$/, () => 32],
  [/^(lr|learningrate)$/, () => 0.001],
  [/dropout|rate$/, () => 0.1],
  [/momentum$/, () => 0.9],
  [/^(alpha|leak|leakyalpha|slope)$/, () => 0.2],
  [/^(eps|epsilon)$/, () => 0.001],
  [/vocab(size)?$|^(num|n)(words|tokens)$/, () => 100],
  [/^(seq|sequence|max|input)?(len|length)$|timesteps$|^maxlen$|^window(size)?$/, () => 10],
  [/^batch(size)?$/, () => 8],
  [/^(is|has|use|with|enable|should|include|add)[a-z]|^(training|trainable|verbose|debug|summary|compile)$/, () => false],
  [/activation$/, () => 'relu'],
  [/padding$/, () => 'same'],
  [/^(name|prefix|modelname)$/, () => 'model'],
  [/optimi[sz]er$/, () => 'adam'],
  [/dataformat$/, () => 'channelsLast'],
];

/** A guess for one parameter, or undefined when neither its type nor its name says anything. */
export function guessArgument(p: BuilderParameter, hint: DataHint): Guess | undefined {
  if (p.name.startsWith('{')) {
    return guessObject(p.name, hint);
  }
  const type = p.typeText?.replace(/\s+/g, ' ').trim();
  const rank = type === undefined ? undefined : tupleRank(type);
  const key = p.name.replace(/_/g, '').toLowerCase();
  const literal = type === undefined ? undefined : firstLiteralOfUnion(type);
  if (literal !== undefined) {
    return { value: literal, detail: `from the type ${type}` };
  }
  if (type !== undefined && rank !== undefined) {
    return { value: shapeFor(hint, rank), detail: `from the type ${type}` };
  }
  for (const [pattern, make] of NAME_RULES) {
    if (pattern.test(key)) {
      return { value: make(hint, rank), detail: `from the name ${p.name}` };
    }
  }
  if (type !== undefined && /^(number\[\]|Array<number>|(tf\.)?Shape|readonly number\[\])$/.test(type)) {
    return { value: shapeFor(hint, undefined), detail: `from the type ${type}` };
  }
  if (type === 'boolean') {
    return { value: false, detail: 'from the type boolean' };
  }
  if (type === 'number') {
    return { value: 16, detail: 'from the type number' };
  }
  return undefined;
}

/** A shape of the tuple's rank, or of the rank the file's layers expect. */
function shapeFor(hint: DataHint, rank: number | undefined): number[] {
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

/** `[number, number, number]` → 3. */
function tupleRank(type: string): number | undefined {
  const match = /^(?:readonly )?\[([^\]]*)\]$/.exec(type);
  return match ? match[1].split(',').filter((s) => s.trim().length > 0).length : undefined;
}

/** `'relu' | 'elu'` → 'relu'; `true | false` → false is not a literal union of strings, left to the boolean rule. */
function firstLiteralOfUnion(type: string): string | number | undefined {
  const parts = type.split('|').map((s) => s.trim()).filter((s) => s.length > 0);
  const first = parts[0];
  if (parts.length === 0 || !parts.every((s) => /^(['"]).*\1$|^-?\d+(\.\d+)?$/.test(s))) {
    return undefined;
  }
  return /^['"]/.test(first) ? first.slice(1, -1) : Number(first);
}

/** `{ units = 32, inputShape }`: an object with a guess for each element that has no default. */
function guessObject(pattern: string, hint: DataHint): Guess | undefined {
  const body = /^\{([^{}[\]]*)\}/.exec(pattern)?.[1];
  if (body === undefined) {
    return undefined;
  }
  const value: Record<string, unknown> = {};
  for (const element of body.split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    if (element.includes('=') || element.startsWith('...')) {
      continue;
    }
    const name = element.split(':')[0].trim();
    const guess = guessArgument({ name, optional: false, receivesTfjs: false }, hint);
    if (!guess) {
      return undefined;
    }
    value[name] = guess.value;
  }
  return { value, detail: `from the names in ${pattern.replace(/\s+/g, ' ')}` };
}
