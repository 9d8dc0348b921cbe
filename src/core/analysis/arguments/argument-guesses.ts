/**
 * The last resort for a builder argument: a value guessed from the parameter's type (TypeScript or
 * JSDoc, object types and interfaces of the same file), what the code reads from it (`opts.imgSize`),
 * and its name, chosen so typical model code builds with it, with small shapes (image sizes: see
 * data-hint.ts).
 */
import { BOARD_SIDE, shapeFor, type DataHint } from './data-hint';
import { elementReadsOf, shapeList, type ElementReads } from './element-reads';
import { membersOfType, shapeDimensionOf, usedAsShape } from './object-types';
import { readPropertiesOf } from './property-reads';
import { shapeRankFromConsumer, type ConsumerRank } from './shape-consumers';
import type { BuilderParameter } from '../types';

export { readDataHint, type DataHint } from './data-hint';

export interface Guess {
  value: unknown;
  /** E.g. 'from the name inputShape', 'from the type boolean'. */
  detail: string;
}

/** An object whose `height`, `rows`, `size`… are a game board's, not an image's. */
const BOARD_OWNER = /board|grid|game|maze|world|arena|level/i;
const BOARD_DIMENSION = /^(h|w|height|width|rows|cols|columns|size|side)$/i;

type Rule = [RegExp, (hint: DataHint, rank: number | undefined) => unknown];

/** Name rules on the lower-cased name without `_`, first match wins. */
const NAME_RULES: Rule[] = [
  [/shape$/, (hint, rank) => shapeFor(hint, rank)],
  [/^(num|n|number)?(of)?(classes|labels|categories|outputclasses)$|^classes?(count|num)?$|^numoutputs$/, () => 10],
  [/actions$/, () => 4],
  [/^(output|out)(dim|size|units)$/, () => 10],
  [/^(opts|options|config|cfg|params|settings|hparams|hyperparams|args|props)$/, () => ({})],
  [/^(h|w|height|width|rows|cols|columns|(img|image)(rows|cols|height|width|size|dim)|input(rows|cols|height|width)|size|resolution|side)$/, (hint) => hint.imageSize],
  [/^(c|ch|channels|(num|n|input|image|img|output|out)channels|channelcount|(img|image|input|in)c)$/, (hint) => hint.channels],
  [/^(latent|noise|z|code|embedding)(space|vector|vec)?(size|dim|dims|dimension|length|units)?$|^zdim$/, () => 32],
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
  // A switch for batch norm is on: the model sanity-train is asked about is the one with the layer.
  [/^(is|has|use|with|enable|should|include|add|apply)?(batchnorm|batchnormalization|bn)(layers?)?$/, () => true],
  [/^(is|has|use|with|enable|should|include|add)[a-z]|^(training|trainable|verbose|debug|summary|compile)$/, () => false],
  [/activation$/, () => 'relu'],
  [/padding$/, () => 'same'],
  [/^(name|prefix|modelname)$/, () => 'model'],
  [/optimi[sz]er$/, () => 'adam'],
  [/dataformat$/, () => 'channelsLast'],
];

/**
 * Rules on any part of the name, after the exact ones: `numA1`, `otherStateLength`, `gameHeight`,
 * `latentSpaceSize`. Small positive sizes: the model must build and train fast, not be good.
 */
const NAME_PART_RULES: Rule[] = [
  // A game's board is not a photo: a small grid keeps a DQN's convolutions quick.
  [/(board|grid|game|maze|world|arena|level)\w*(height|width|rows|cols|size|side)|^(height|width|rows|cols|size|side)of(board|grid|game|maze|world)/, () => BOARD_SIDE],
  [/height|width|rows|cols|resolution/, (hint) => hint.imageSize],
  [/channel/, (hint) => hint.channels],
  [/latent|noise/, () => 32],
  [/action/, () => 4],
  [/classes|labels|categories/, () => 10],
  [/filters/, () => 16],
  [/units|hidden|neurons/, () => 32],
  [/depth|layers|blocks/, () => 2],
  // `len` ends a name and `num` starts one: inside a word they are letters of another (`mobilenet`, `enumerate`).
  [/size|dim|length|len$|^num|count|steps|features/, () => 8],
];

/** The code a guess may read. */
export interface GuessCode {
  /** Where the parameter is used (the builder, or for a constructor's the class's file). */
  uses?: string;
  /** The builder's file, for the object types and the helper functions declared there. */
  declarations?: string;
  /** For a member of an object argument: the rank the layer its path feeds says (`config.inputShape` → conv1d). */
  consumer?: ConsumerRank;
  /** How deep in an object argument this member lies (a type that contains itself stops somewhere). */
  nesting?: number;
}

/** Object types inside object types are guessed this deep, no deeper. */
const MAX_NESTING = 3;

/** `ConvLayer[]`, `readonly ConvLayer[]`, `Array<Ns.ConvLayer>`: a list of a named type → its name. */
const NAMED_LIST_TYPE = /^(?:readonly )?(?:([A-Z][\w$]*(?:\.[A-Z][\w$]*)*)\[\]|Array<([A-Z][\w$]*(?:\.[A-Z][\w$]*)*)>)$/;

/**
 * A guess for one parameter, or undefined when neither its type, what the code reads from it, nor
 * its name says anything.
 */
export function guessArgument(p: BuilderParameter, hint: DataHint, code: GuessCode = {}): Guess | undefined {
  const written = p.typeText?.replace(/\s+/g, ' ').trim();
  // JSDoc `{*}`, `any` and `unknown` say nothing: the parameter counts as untyped.
  const type = written === undefined || /^(\*|any|unknown|\?)$/.test(written) ? undefined : written;
  if (p.name.startsWith('{')) {
    return guessObject(p.name, hint, type, code);
  }
  const rank = type === undefined ? undefined : tupleRank(type);
  const key = p.name.replace(/_/g, '').toLowerCase();
  const literal = type === undefined ? undefined : firstLiteralOfUnion(type);
  if (literal !== undefined) {
    return { value: literal, detail: `from the type ${type}` };
  }
  if (type !== undefined && rank !== undefined) {
    return { value: shapeFor(hint, rank), detail: `from the type ${type}` };
  }
  // `inputShapes[0].slice(1)`, `anchors[1].length`: the code says what its elements are, better than a matrix type.
  const elements = type === undefined || MATRIX_TYPE.test(type) ? elementReadsOf(p.name, code.uses ?? '') : undefined;
  if (elements !== undefined && (elements.kind === 'shapes' || (elements.kind === 'lists' && type === undefined))) {
    return guessElementLists(p.name, elements, hint);
  }
  if (type !== undefined && MATRIX_TYPE.test(type)) {
    return guessMatrix(p.name, type);
  }
  const exampleRank = type === undefined ? undefined : NESTED_ARRAY_TYPE.exec(type)?.[1].length;
  if (exampleRank !== undefined) {
    return guessExample(type!, exampleRank / 2, hint);
  }
  // The layer the shape feeds says its rank better than the file's data hint or the name does.
  const consumer = rank === undefined ? (code.consumer ?? shapeRankFromConsumer(p.name, code.uses ?? '', code.declarations ?? code.uses ?? '')) : undefined;
  const consumed = consumer ? ` (rank ${consumer.rank}: it feeds a ${consumer.layer} layer)` : '';
  // `hiddenLayers: number[]` is a size per layer, not a shape: its name says what each number counts.
  // A floor of 8: `layers` alone guesses a count of layers (2), too few units for a layer.
  const perLayer = isShapeType(type) && LAYER_SIZES.test(key) ? Math.max(numericGuessOfName(key, hint) ?? COUNT_SIZE, COUNT_SIZE) : undefined;
  if (perLayer !== undefined) {
    return { value: [perLayer, perLayer], detail: `from the type ${type} and the name ${p.name}: a size for each layer` };
  }
  // A parameter typed `number` is one dimension, whatever it is called or wherever it goes (`[inputShape]`).
  if (type !== 'number' && (isShapeType(type) || usedAsShape(p.name, code.uses ?? ''))) {
    return { value: shapeFor(hint, consumer?.rank), detail: `${type !== undefined && isShapeType(type) ? `from the type ${type}` : `from its use as a shape`}${consumed}` };
  }
  const typed = type === undefined ? undefined : (guessListOfObjects(type, hint, code) ?? guessFromObjectType(type, hint, code, p.name));
  const read = typed ?? guessFromReads(p.name, hint, code.uses ?? '');
  if (read) {
    return read;
  }
  if (type === undefined && elements?.kind === 'sizes') {
    const size = numericGuessOfName(key, hint) ?? 8;
    return { value: Array.from({ length: elements.count }, () => size), detail: `from ${readsText(p.name, elements.count)}` };
  }
  // `inputShape: [x, y, z]`: a name that says nothing, in a shape the code writes out.
  const dimension = type === undefined || type === 'number' ? shapeDimensionOf(p.name, code.uses ?? '') : undefined;
  const option = type === undefined || type === 'number' ? layerSizeOptionOf(p.name, code.uses ?? '') : undefined;
  for (const [pattern, make] of NAME_RULES) {
    const value = pattern.test(key) ? make(hint, rank ?? consumer?.rank) : undefined;
    // A name that says shape, used as one number (`units: output_shape`): the use wins.
    const scalarUse = Array.isArray(value) && (dimension !== undefined || option !== undefined);
    if (value !== undefined && fitsDeclaredType(value, type) && !scalarUse) {
      return { value, detail: `from the name ${p.name}${consumed}` };
    }
  }
  if (dimension) {
    return { value: shapeFor(hint, dimension.rank)[dimension.index], detail: `from its place in ${dimension.text}` };
  }
  if (option) {
    return { value: COUNT_GUESS, detail: `from its use as ${option}` };
  }
  if ((type === undefined || type === 'boolean') && guardsTheBuild(p.name, code.uses ?? '')) {
    return { value: true, detail: `${p.name} picks building the model (\`if (${p.name})\` builds its layers)` };
  }
  if (type === 'boolean') {
    return { value: false, detail: 'from the type boolean' };
  }
  if (type === 'number') {
    return { value: 16, detail: 'from the type number' };
  }
  for (const [pattern, make] of NAME_PART_RULES) {
    const value = pattern.test(key) ? make(hint, rank) : undefined;
    if (value !== undefined && fitsDeclaredType(value, type)) {
      return { value, detail: `from the name ${p.name}` };
    }
  }
  return undefined;
}

/** `number[]`, `Array<string>`: a list of one primitive type → that type; undefined for anything else. */
const PRIMITIVE_LIST = /^(?:readonly )?(?:(string|number|boolean)\[\]|Array<(string|number|boolean)>)$/;

/**
 * A name's guess must be a value of the type written, where that is a primitive or a list of one
 * (`inputs: string[]` of a graph node is no count of inputs; `useDropout: boolean` no rate).
 */
function fitsDeclaredType(value: unknown, type: string | undefined): boolean {
  if (type === 'number' || type === 'string' || type === 'boolean') {
    return typeof value === type;
  }
  const list = type === undefined ? null : PRIMITIVE_LIST.exec(type);
  if (list) {
    return Array.isArray(value) && value.every((v) => typeof v === (list[1] ?? list[2]));
  }
  return true;
}

/** A size for a layer option whose value's name says nothing: small, so the model builds and trains fast. */
const COUNT_GUESS = 8;

/** The layer options that take a count (`units: outputs`), never a shape or a rate. */
const SIZE_OPTIONS = ['units', 'filters', 'outputDim', 'inputDim', 'numHeads', 'keyDim', 'numTokens'];

/** `units: outputs` in the code: the option `name` is passed to as it is (`units: outputs`), else undefined. */
function layerSizeOptionOf(name: string, code: string): string | undefined {
  if (!/^[A-Za-z_$][\w$]*$/.test(name) || code.length === 0) {
    return undefined;
  }
  const escaped = name.replace(/\$/g, '\\$');
  const match = new RegExp(`\\b(${SIZE_OPTIONS.join('|')})\\s*:\\s*${escaped}(?=\\s*[,}\\n])`).exec(code);
  return match ? `${match[1]}: ${name}` : undefined;
}

/** What the name rules give a name when it is a number (`outputSize` → 10), else undefined. */
function numericGuessOfName(key: string, hint: DataHint): number | undefined {
  for (const [pattern, make] of [...NAME_RULES, ...NAME_PART_RULES]) {
    const value = pattern.test(key) ? make(hint, undefined) : undefined;
    if (value !== undefined) {
      return typeof value === 'number' ? value : undefined;
    }
  }
  return undefined;
}

/** `its reads inputShapes[0…2]`. */
function readsText(name: string, count: number): string {
  return count === 1 ? `its read ${name}[0]` : `its reads ${name}[0…${count - 1}]`;
}

/** Lists of shapes (a pyramid of feature maps) or of small sizes, for a parameter read element by element. */
function guessElementLists(name: string, reads: ElementReads, hint: DataHint): Guess {
  if (reads.kind === 'shapes') {
    const { shapes, pyramid } = shapeList(reads, hint);
    const halving = pyramid ? ", each half the size of the one before, as a backbone's feature maps are" : '';
    const batch = reads.withBatch ? ', with a null batch dimension first (the code slices it off)' : '';
    return { value: shapes, detail: `from ${readsText(name, reads.count)} as shapes: ${reads.count} shape${reads.count === 1 ? '' : 's'}${halving}${batch}` };
  }
  const value = Array.from({ length: reads.count }, () => Array.from({ length: reads.innerLength }, () => COUNT_SIZE));
  return { value, detail: `from ${readsText(name, reads.count)} as lists: ${reads.count} list${reads.count === 1 ? '' : 's'} of ${reads.innerLength} sizes` };
}

/** `[number, number, number]` → 3. */
function tupleRank(type: string): number | undefined {
  const match = /^(?:readonly )?\[([^\]]*)\]$/.exec(type);
  return match ? match[1].split(',').filter((s) => s.trim().length > 0).length : undefined;
}

/**
 * `if (override) { model = tf.sequential(); … } else model = await tf.loadLayersModel(…)`: a flag whose
 * true branch builds the layers (the other loads a saved model, or skips them); false or left out,
 * the builder never builds the model sanity-train is for.
 */
function guardsTheBuild(name: string, code: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
    return false;
  }
  const test = new RegExp(`\\bif\\s*\\(\\s*${name.replace(/\$/g, '\\$')}\\s*(?:===?\\s*true\\s*)?\\)\\s*\\{`, 'g');
  for (const match of code.matchAll(test)) {
    const block = blockAt(code, match.index + match[0].length - 1);
    if (/\b(?:sequential|model)\s*\(|\blayers\s*\.\s*\w+\s*\(/.test(block)) {
      return true;
    }
  }
  return false;
}

/** The text of the `{ … }` block that opens at `open`, braces counted (strings are not told apart: rare braces in them do not matter here). */
function blockAt(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    depth += code[i] === '{' ? 1 : code[i] === '}' ? -1 : 0;
    if (depth === 0) {
      return code.slice(open, i + 1);
    }
  }
  return code.slice(open);
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

const COUNT_SIZE = 8;
/** Lists of layer sizes by name (`hiddenLayers`, `layerSizes`, `units`, `filters`), never of a shape's. */
const LAYER_SIZES = /^(?!.*(shape|dim|input|output))(hidden\w*|\w*(units|neurons|filters)|(layer|hidden)?sizes|layers)$/;

/** `number[]`, `Shape`, `Array<number | null>`: a shape whatever the parameter is called, unless it names layer sizes. */
function isShapeType(type: string | undefined): boolean {
  return type !== undefined && /^(?:readonly )?(?:\(?number(?: \| null)?\)?\[\]|Array<number(?: \| null)?>|(?:tf\.)?Shape)$/.test(type);
}

/**
 * `{ units = 32, inputShape }: Args`: an object with a guess for each element that has no default,
 * from its member type when `Args` resolves (a tuple is a shape), else its use as a shape, else its name.
 */
function guessObject(pattern: string, hint: DataHint, type: string | undefined, code: GuessCode): Guess | undefined {
  const elements = patternElements(pattern);
  if (elements === undefined) {
    return undefined;
  }
  const members = type === undefined ? undefined : membersOfType(type, code.declarations ?? '');
  const value: Record<string, unknown> = {};
  const missing: string[] = [];
  let defaulted = 0;
  for (const element of elements) {
    if (element.includes('=') || element.startsWith('...')) {
      defaulted++;
      continue;
    }
    const name = element.split(':')[0].trim();
    const typeText = members?.find((m) => m.name === name)?.typeText;
    const guess = guessArgument({ name, optional: false, receivesTfjs: false, ...(typeText !== undefined ? { typeText } : {}) }, hint, { uses: code.uses ?? '' });
    if (guess) {
      value[name] = guess.value;
    } else {
      missing.push(name);
    }
  }
  // Members nothing guesses are left out, undefined as for a caller that omits them, when the rest says something.
  if (missing.length > 0 && Object.keys(value).length + defaulted === 0) {
    return undefined;
  }
  const flat = pattern.replace(/\s+/g, ' ');
  const from = members !== undefined ? `from the type ${type} of ${flat}` : `from the names in ${flat}`;
  return { value, detail: missing.length === 0 ? from : `${from}; no guess for ${missing.join(', ')}: left out (undefined, as a caller that omits ${missing.length === 1 ? 'it' : 'them'} passes)` };
}

/** `a, { b, c = 1 }, d` → ['a', '{ b, c = 1 }', 'd']: split at the commas outside brackets, trimmed, empties dropped. */
export function splitTopLevelCommas(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    depth += '[({'.includes(ch) ? 1 : '])}'.includes(ch) ? -1 : 0;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current.trim());
  return out.filter((s) => s.length > 0);
}

/** The elements of `{ a, b = [1, 2], c: d }` split at its top-level commas; undefined for a nested pattern. */
function patternElements(pattern: string): string[] | undefined {
  const elements = splitTopLevelCommas(pattern.trim().replace(/^\{/, '').replace(/\}$/, ''));
  return elements.some((e) => /^[A-Za-z_$][\w$]*\s*:\s*[{[]/.test(e)) ? undefined : elements;
}

/**
 * The guess for the member `name` of an object called `owner` (`game.height` is the game's height, a
 * board side, not an image's); undefined when its name says nothing.
 */
/** `reads`: the object's path in the code that reads it (`config` of `config.inputShape`), where the layer a shape feeds says its rank. */
export function guessMember(name: string, owner: string, hint: DataHint, typeText?: string, reads?: ObjectReads): Guess | undefined {
  if (BOARD_OWNER.test(owner) && BOARD_DIMENSION.test(name)) {
    return { value: BOARD_SIDE, detail: `from the name ${owner}.${name}` };
  }
  const consumer = reads === undefined ? undefined : shapeRankFromConsumer(`${reads.path}.${name}`, reads.uses);
  // The member's own object types resolve against the same declarations, one level deeper.
  const nested = reads?.declarations === undefined ? {} : { declarations: reads.declarations, nesting: (reads.nesting ?? 0) + 1 };
  return guessArgument({ name, optional: false, receivesTfjs: false, ...(typeText !== undefined ? { typeText } : {}) }, hint, { ...(consumer ? { consumer } : {}), ...nested });
}

/** An object argument as the code reads it: its path (`config`, `this.options`) and the code; for a typed one, where its types are declared. */
interface ObjectReads {
  path: string;
  uses: string;
  declarations?: string;
  nesting?: number;
}

/** An object with a guess for each property in `names`; undefined when none has one. */
function objectOf(names: readonly { name: string; typeText?: string }[], hint: DataHint, owner = '', reads?: ObjectReads): Record<string, unknown> | undefined {
  const value: Record<string, unknown> = {};
  for (const { name, typeText } of names) {
    const guess = guessMember(name, owner, hint, typeText, reads);
    if (guess) {
      value[name] = guess.value;
    }
  }
  return names.length > 0 && Object.keys(value).length === 0 ? undefined : value;
}

/** `{ width: number; height: number }`, an interface / type alias of the same file, or an intersection of them. */
function guessFromObjectType(type: string, hint: DataHint, code: GuessCode, path?: string): Guess | undefined {
  if (!/^\{|^[A-Z]|^[A-Za-z_$][\w$]*\.[A-Z]/.test(type) || (code.nesting ?? 0) > MAX_NESTING) {
    return undefined;
  }
  const uses = code.uses ?? '';
  // An optional member the builder reads with no fallback (`config.hiddenLayers![0]`) is one it needs.
  const readBare = new Set(path === undefined ? [] : (readPropertiesOf(uses, path)?.needed ?? []));
  const members = membersOfType(type, code.declarations ?? '')?.filter((m) => !m.optional || readBare.has(m.name));
  const value = members === undefined ? undefined : objectOf(members, hint, '', { path: path ?? '', uses, declarations: code.declarations ?? '', nesting: code.nesting ?? 0 });
  const optional = members?.filter((m) => m.optional && value !== undefined && m.name in value).map((m) => m.name) ?? [];
  const filled = optional.length === 0 ? '' : `, with the optional ${optional.join(', ')} the code reads without a fallback`;
  return value === undefined ? undefined : { value, detail: `from the type ${type}${filled}` };
}

/** `convLayers: ConvLayerConfig[]`: one element guessed from its declared type (a list the app's user fills). */
function guessListOfObjects(type: string, hint: DataHint, code: GuessCode): Guess | undefined {
  const element = NAMED_LIST_TYPE.exec(type);
  const inner = element === null ? undefined : guessFromObjectType(element[1] ?? element[2], hint, code);
  return inner === undefined ? undefined : { value: [inner.value], detail: `from the type ${type}: one ${element![1] ?? element![2]}` };
}

/** `opts.imgSize`, `this.game.gameHeight`: an object with the properties the code reads without a fallback. */
function guessFromReads(name: string, hint: DataHint, code: string): Guess | undefined {
  const reads = code.length === 0 ? undefined : readPropertiesOf(code, name);
  // A property read into a shape is guessed as a shape (`number[]`), whatever its name says.
  const value = reads === undefined ? undefined : objectOf(reads.needed.map((n) => (reads.shapes.includes(n) ? { name: n, typeText: 'number[]' } : { name: n })), hint, name, { path: name, uses: code });
  if (reads === undefined || value === undefined) {
    return undefined;
  }
  const left = reads.needed.filter((n) => !(n in value));
  const parts = [reads.needed.length > 0 ? `from what the code reads of ${name} (${reads.needed.join(', ')})` : `from what the code reads of ${name}`];
  if (reads.withFallback.length > 0) {
    parts.push(`its fallbacks for ${reads.withFallback.join(', ')}`);
  }
  if (left.length > 0) {
    parts.push(`no guess for ${left.join(', ')}`);
  }
  return { value, detail: parts.join('; ') };
}

/** `number[][]`, `Array<number[]>`, `Array<Array<number>>`: a data matrix a function receives (features, labels) and trains on. */
const MATRIX_TYPE = /^(?:readonly )?(?:number\[\]\[\]|Array<number\[\]>|Array<Array<number>>)$/;
/** `number[][][]` and deeper: one example of the data (a board's planes), whose lengths the builder reads as its input shape. */
const NESTED_ARRAY_TYPE = /^(?:readonly )?number((?:\[\]){3,})$/;

/** Zeros of the data's shape at that rank: the builder reads the lengths (`x.length`, `x[0].length`), not the values. */
function guessExample(type: string, rank: number, hint: DataHint): Guess {
  const shape = shapeFor(hint, rank);
  const zeros = (dims: number[]): unknown => (dims.length === 0 ? 0 : Array.from({ length: dims[0] }, () => zeros(dims.slice(1))));
  return { value: zeros(shape), detail: `from the type ${type}: zeros of shape [${shape.join(', ')}]` };
}
/** Rows, feature columns and classes of the matrices guessed for one call: they must agree. */
export const MATRIX_ROWS = 12;
export const MATRIX_FEATURES = 8;
export const MATRIX_CLASSES = 3;

/** Labels (`labels`, `ys`, `targets`) are one-hot rows; anything else is a feature matrix whose rows lean towards their row's class. */
function guessMatrix(name: string, type: string): Guess {
  const rows = Array.from({ length: MATRIX_ROWS }, (_, i) => i);
  if (/label|target|^ys?$|classes|outputs?$/i.test(name)) {
    const value = rows.map((i) => Array.from({ length: MATRIX_CLASSES }, (_, c) => (c === i % MATRIX_CLASSES ? 1 : 0)));
    return { value, detail: `from the type ${type}: ${MATRIX_ROWS} one-hot rows of ${MATRIX_CLASSES} classes` };
  }
  const value = rows.map((i) => Array.from({ length: MATRIX_FEATURES }, (_, j) => Number(((j % MATRIX_CLASSES === i % MATRIX_CLASSES ? 1 : 0) + ((i * 7 + j * 3) % 5) / 10).toFixed(1))));
  return { value, detail: `from the type ${type}: ${MATRIX_ROWS} rows of ${MATRIX_FEATURES} features` };
}
