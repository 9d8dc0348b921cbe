/**
 * A stand-in for a parameter that is a live object no call site passes as a literal (a game, an
 * agent's config, an options bag read two levels deep, a layer's symbolic input): built from what the
 * builder does with it (usages/parameter-uses.ts). Nested reads give nested objects, a method call a
 * `{ $returns: … }` guessed from how its result is used, a layer input `{ $input: shape }`; leaves are
 * guessed by name with the usual guessers, else by use (a counted value is a small positive integer).
 * Nothing is invented for a value only handed to code outside the file. Pure.
 */
import { guessMember, splitTopLevelCommas, type Guess } from './argument-guesses';
import { BOARD_SIDE, shapeFor, type DataHint } from './data-hint';
import { layerKinds, layerStandIns } from './layer-list';
import { findParameterUses, type ParameterSite, type ParameterUse } from '../usages/parameter-uses';
import type { BuilderParameter } from '../types';

export type { ParameterSite } from '../usages/parameter-uses';

/** A value used only as a count (`> 0`, `units: …`), whose name says nothing: small, positive, whole. */
export const COUNT_STAND_IN = 8;
const BOARD_OWNER = /board|grid|game|maze|world|arena|level/i;

export interface StandInGuess extends Guess {
  /** Methods, nested objects or a layer input: more than the flat reads the other guessers see. */
  structured: boolean;
  /** How parts were made, by path (`layers[i].kind: input, dense, batchnorm, dense, …`), also inside the detail. */
  notes?: string[];
}

interface Built {
  value: unknown;
  /** What was read (`getBoardSize()`, `decoder.units`), for the detail. */
  paths: string[];
  /** Leaves nothing could be guessed for. */
  missing: string[];
  /** Some leaf was guessed from its use alone, or the value has structure. */
  structured: boolean;
  /** What a reader should know of how a part was made (`layers: input, dense, batchnorm, dense from the cases the code handles`). */
  notes: string[];
}

/** The stand-in for parameter `p`; undefined when the builder reads nothing of it. */
export function proposeStandIn(p: BuilderParameter, site: ParameterSite, hint: DataHint): StandInGuess | undefined {
  if (p.name.startsWith('{')) {
    return patternStandIn(p.name, site, hint);
  }
  if (!/^[A-Za-z_$][\w$]*$/.test(p.name)) {
    return undefined;
  }
  const use = findParameterUses(p.name, site);
  if (!use) {
    return undefined;
  }
  if (use.input) {
    const shape = inputShape(use, hint);
    return { value: { $input: shape }, detail: `a tf.input stand-in: ${p.name} is a layer's input in the code`, structured: true };
  }
  if (use.layerList) {
    return { value: layerStandIns(hint), detail: `a small network of tfjs layers with a batch norm: ${p.name} is given to tf.sequential as its layers`, structured: true };
  }
  const records = recordsValue(use, p.name, hint);
  if (records !== undefined) {
    const shown = records.paths.length > 6 ? [...records.paths.slice(0, 6), '…'] : records.paths;
    const length = Array.isArray(records.value) ? records.value.length : RECORDS;
    return { value: records.value, detail: `a stand-in list of ${length} records from what the code reads of its elements (${shown.join(', ')})${notesText(records.notes)}`, structured: true, notes: records.notes };
  }
  if (use.props.size === 0 && use.array && !use.elementsUnknown && !use.numeric && !use.input) {
    // `this.config.n_labels = commands.length`: any list serves; its name may say which (hiddenSizes).
    const list = valueOf(use, p.name, '', hint);
    if (list !== undefined) {
      return { value: list.value, detail: `a list: ${p.name} is read only as a list (its length, its elements)`, structured: false };
    }
  }
  if (use.props.size === 0 && use.choices.length > 0 && !use.numeric) {
    const shown = use.choices.slice(0, 4).map((c) => `'${c}'`).join(', ') + (use.choices.length > 4 ? ', …' : '');
    return { value: use.choices[0], detail: `the first of the values the code compares ${p.name} with (${shown})`, structured: true };
  }
  if (use.props.size === 0) {
    if (!textOnly(use)) {
      return undefined;
    }
    return use.separators.length > 0
      ? { value: listAsText(p.name, use.separators), detail: `a string of two items: ${p.name} is split into a list (split('${use.separators[0]}'))`, structured: true }
      : { value: p.name, detail: `a string: ${p.name} is only put into text (a name or a path part)`, structured: true };
  }
  const built = objectValue(use, p.name, hint);
  if (built === undefined) {
    return undefined;
  }
  const shown = built.paths.length > 6 ? [...built.paths.slice(0, 6), '…'] : built.paths;
  const missing = built.missing.length > 0 ? `; no guess for ${built.missing.join(', ')}` : '';
  return { value: built.value, detail: `a stand-in from what the code does with ${p.name} (${shown.join(', ')})${missing}${notesText(built.notes)}`, structured: built.structured, notes: built.notes };
}

function notesText(notes: readonly string[]): string {
  return notes.length === 0 ? '' : `; ${notes.join('; ')}`;
}

/**
 * `{ game, units }` with nothing passed: each element without a default guessed by its name, else
 * from what the code does with its binding (a live `game` gets its stand-in), else left out;
 * undefined when no element needed a stand-in (the plain guess covers it).
 */
function patternStandIn(pattern: string, site: ParameterSite, hint: DataHint): StandInGuess | undefined {
  const value: Record<string, unknown> = {};
  const standIns: string[] = [];
  const missing: string[] = [];
  for (const element of splitTopLevelCommas(pattern.trim().replace(/^\{/, '').replace(/\}$/, ''))) {
    const match = /^([A-Za-z_$][\w$]*)\s*(?::\s*([A-Za-z_$][\w$]*))?$/.exec(element);
    if (element.includes('=') || element.startsWith('...')) {
      continue;
    }
    if (!match) {
      return undefined;
    }
    const named = guessMember(match[1], '', hint);
    const use = named ? undefined : findParameterUses(match[2] ?? match[1], site);
    const built = use ? (use.input ? { value: { $input: inputShape(use, hint) } } : valueOf(use, match[1], '', hint)) : undefined;
    if (!named && !built) {
      // Left out, undefined as for a caller that omits it (guessObject says the same).
      missing.push(match[1]);
      continue;
    }
    value[match[1]] = named ? named.value : built!.value;
    if (!named) {
      standIns.push(match[1]);
    }
  }
  const flat = pattern.replace(/\s+/g, ' ');
  const left = missing.length === 0 ? '' : `; no guess for ${missing.join(', ')}: left out (undefined, as a caller that omits ${missing.length === 1 ? 'it' : 'them'} passes)`;
  return standIns.length === 0 ? undefined : { value, detail: `from the names in ${flat}, with stand-ins for ${standIns.join(', ')} from what the code does with them${left}`, structured: true };
}

function objectValue(use: ParameterUse, owner: string, hint: DataHint): Built | undefined {
  const out: Built = { value: {}, paths: [], missing: [], structured: false, notes: [] };
  const value = out.value as Record<string, unknown>;
  for (const [key, child] of use.props) {
    if (child.result) {
      const result = valueOf(child.result, methodNoun(key), `${owner}.${key}`, hint);
      value[key] = { $returns: result?.value ?? null };
      out.paths.push(`${key}()`);
      out.structured = true;
      continue;
    }
    if (child.fallback && child.props.size === 0) {
      continue;
    }
    const built = valueOf(child, key, owner, hint);
    if (built === undefined) {
      out.missing.push(key);
      continue;
    }
    value[key] = built.value;
    out.paths.push(...(built.paths.length > 0 ? built.paths.map((p) => memberPath(key, p)) : [key]));
    out.missing.push(...built.missing.map((m) => memberPath(key, m)));
    out.notes.push(...built.notes.map((n) => `${key}${n.startsWith('[') ? '' : ': '}${n}`));
    out.structured ||= built.structured || child.props.size > 0 || child.input;
  }
  keyBySiblingNames(use, value);
  return Object.keys(value).length === 0 ? undefined : out;
}

/** The value of one member: an object, a layer input, a tuple, or a leaf guessed by name, else by use. */
function valueOf(use: ParameterUse, name: string, owner: string, hint: DataHint): Built | undefined {
  const leaf = (value: unknown, structured: boolean): Built => ({ value, paths: [], missing: [], structured, notes: [] });
  if (use.input) {
    return leaf({ $input: inputShape(use, hint) }, true);
  }
  if (use.layerList) {
    return leaf(layerStandIns(hint), true);
  }
  const records = recordsValue(use, name, hint);
  if (records !== undefined) {
    return records;
  }
  if (use.elementsUnknown) {
    // `hiddenUnits.forEach((units) => tf.layers.dense({ units }))`: a list of counts, named or two small ones;
    // `for (const col of catCols)` naming inputs or looking things up: a list of names;
    // `graph.nodes.map((n) => …)` with nothing read of `n`: nothing to build its elements from.
    if (namesElement(use)) {
      return leaf(nameList(name), true);
    }
    return countsElement(use) ? leaf(countList(name, owner, hint), true) : undefined;
  }
  if (use.props.size > 0) {
    return objectValue(use, name, hint);
  }
  if (use.tuple) {
    // `const [x, y] = game.getBoardSize()`: the sides of a board, else of the data's shape.
    const side = (n: string, i: number) => (BOARD_OWNER.test(owner) ? BOARD_SIDE : (numberGuess(n, owner, hint) ?? shapeFor(hint, use.tuple!.length)[i] ?? COUNT_STAND_IN));
    return leaf(use.tuple.map(side), true);
  }
  // The member's own name first (as the flat reads are guessed), then the names it flows into.
  const names = [name, ...use.names];
  const byName = names.map((n) => guessMember(n, owner, hint)?.value).find((v) => v !== undefined && (!use.numeric || typeof v === 'number'));
  if (use.array) {
    const list = Array.isArray(byName) ? byName : [typeof byName === 'number' ? byName : COUNT_STAND_IN, typeof byName === 'number' ? byName : COUNT_STAND_IN];
    return leaf(reachingIndexes(list, name, owner, use.indexes), true);
  }
  if (byName !== undefined) {
    // `layer.shape.split(',').map(Number)`: a list of sizes written as the text the code splits.
    const sizes = Array.isArray(byName) && byName.length > 0 && byName.every((v) => typeof v === 'number');
    return sizes && use.separators.length > 0 ? leaf(byName.join(use.separators[0]), true) : leaf(byName, false);
  }
  if (use.choices.length > 0 && !use.numeric) {
    // `layer.kind === 'dense'`: the first value the code compares it with.
    return leaf(use.choices[0], true);
  }
  if (use.text && !use.numeric) {
    // `node.id.startsWith('in')`, `${d.kind}`: text; its own name is as good a string as any.
    return leaf(use.separators.length > 0 ? listAsText(name, use.separators) : name, true);
  }
  if (SIZE_OWNER.test(owner)) {
    // `const { a, b } = game.getBoardSize()`: members of a size say nothing by their names, but are sizes.
    return leaf(BOARD_OWNER.test(owner) ? BOARD_SIDE : COUNT_STAND_IN, true);
  }
  return use.numeric ? leaf(COUNT_STAND_IN, true) : undefined;
}

/** Examples in a stand-in data tensor's shape (`xs.shape[0]`): a batch's worth. */
const EXAMPLES_STAND_IN = 32;
/**
 * An object whose `shape` is a data tensor's: examples first (`trainXs.shape[1]` is a feature count),
 * named so at its end (`trainXs`, `train_x`) or its start (`x_train`, `xTrain`, `imagesTest`).
 */
const TENSOR_OWNER = [/(^|[a-z_])(xs?|ys?|inputs?|features?|labels?|targets?|images?|tensors?|samples?|data)$/i, /^(?:[xXyY]s?|[iI]nputs?|[fF]eatures?|[lL]abels?|[tT]argets?|[iI]mages?|[dD]ata)(?:_|[A-Z0-9])/];
const LABELS_OWNER = [/(^|[a-z_])(ys?|labels?|targets?)$/i, /^(?:[yY]s?|[lL]abels?|[tT]argets?)(?:_|[A-Z0-9])/];
const named = (patterns: readonly RegExp[], name: string) => patterns.some((p) => p.test(name));

/**
 * A list the code reads at a fixed position or slices from: long enough to have what it reads. A data
 * tensor's `shape` read so (`inputShape: [xs.shape[1]]`, `xs.shape.slice(1)`) leads with its examples,
 * then one example's shape (labels: 10 classes); any other list is filled up with counts.
 */
function reachingIndexes(list: unknown[], name: string, owner: string, indexes: number[]): unknown[] {
  if (indexes.length === 0) {
    return list;
  }
  const tensor = name === 'shape' && named(TENSOR_OWNER, owner);
  const value = tensor ? [EXAMPLES_STAND_IN, ...(named(LABELS_OWNER, owner) ? [10] : list)] : list;
  const needed = Math.max(...indexes) + 1;
  return value.length >= needed ? value : [...value, ...Array<number>(needed - value.length).fill(COUNT_STAND_IN)];
}

/** Iterated, and each element counted with (a layer's units, a comparison) and nothing more: a list of sizes. */
function countsElement(use: ParameterUse): boolean {
  const element = use.element;
  return element !== undefined && element.numeric && element.props.size === 0 && !element.input && !element.escapes && element.element === undefined;
}

/** Iterated, and each element only put into text or used as a key (`\`cat_${col}\``, `maps[col]`): a list of names. */
function namesElement(use: ParameterUse): boolean {
  const element = use.element;
  return element !== undefined && (element.text || element.key) && !element.numeric && element.props.size === 0 && !element.input && !element.escapes && element.element === undefined;
}

/** `catCols` → `['catCol0', 'catCol1']`: distinct names, each saying which list it is from. */
function nameList(name: string): string[] {
  return Array.from({ length: RECORDS }, (_, i) => `${singular(name)}${i}`);
}

/**
 * `for (const col of schema.catCols) { schema.catMaps[col].size }`: a member looked up by the elements
 * of a sibling list of names is keyed by those names, each holding one of its records.
 */
function keyBySiblingNames(use: ParameterUse, value: Record<string, unknown>): void {
  for (const [key, child] of use.props) {
    const records = value[key];
    const sibling = [...use.props].find(([other, o]) => other !== key && o.element !== undefined && child.keyedBy.some((k) => o.element!.names.includes(k)));
    const names = sibling === undefined ? undefined : value[sibling[0]];
    if (Array.isArray(records) && records.length > 0 && Array.isArray(names) && names.every((n) => typeof n === 'string')) {
      value[key] = Object.fromEntries(names.map((n, i) => [n, records[i % records.length]]));
    }
  }
}

/** A list of sizes: its name's guess where that is a list of numbers (`hiddenUnits`), else two small counts. */
function countList(name: string, owner: string, hint: DataHint): number[] {
  const named = guessMember(name, owner, hint)?.value;
  return Array.isArray(named) && named.length > 0 && named.every((v) => typeof v === 'number') ? (named as number[]) : [COUNT_STAND_IN, COUNT_STAND_IN];
}

/** Records in a stand-in list: two, so a list read for its first element and mapped has more than one. */
const RECORDS = 2;

/**
 * `data[0].features.length`, `data.map((d) => d.label)`: a list of records, each with the members
 * the code reads of an element (`[{ features: [8, 8] }, …]`); undefined when no element is read for
 * its members or as a list of its own (a list of numbers stays the plain guess), or one is handed on whole.
 */
function recordsValue(use: ParameterUse, name: string, hint: DataHint): Built | undefined {
  const element = use.element;
  // An element handed on whole (to outside code, into a Map) is read where it goes: nothing to build it from.
  if (element === undefined || use.props.size > 0 || element.input || element.escapes || !(element.props.size > 0 || element.element !== undefined)) {
    return undefined;
  }
  const unread = (): Built => ({ value: {}, paths: [], missing: [...element.props].filter(([, m]) => !m.fallback).map(([key]) => key), structured: true, notes: [] });
  const built = element.props.size > 0 ? (objectValue(element, singular(name), hint) ?? unread()) : recordsValue(element, singular(name), hint);
  if (built === undefined || (built.paths.length === 0 && built.missing.length === 0)) {
    return undefined;
  }
  // A member read but not used in a way that says its kind (`d.label` into a Set, a lookup, a target)
  // is numbered by record: distinct keys make two classes, and a number serves as a target too.
  const numbered = built.missing.filter((m) => !m.includes('.') && !m.includes('['));
  const layers = layerKinds(element);
  const value = Array.from({ length: layers?.kinds.length ?? RECORDS }, (_, i) => {
    const record = structuredClone(built.value) as Record<string, unknown>;
    for (const member of numbered) {
      record[member] = i;
    }
    if (layers !== undefined) {
      record[layers.key] = layers.kinds[i];
    }
    return record;
  });
  const paths = [...built.paths, ...numbered].map((p) => memberPath('[i]', p));
  const missing = built.missing.filter((m) => !numbered.includes(m)).map((m) => memberPath('[i]', m));
  const notes = layers === undefined ? built.notes : [`[i].${layers.key}: ${layers.kinds.join(', ')}, a small network of the kinds the code handles (${layers.choices})`];
  return { value, paths, missing, structured: true, notes };
}

/** `nodes` + `[i].units` → `nodes[i].units`; `game` + `height` → `game.height`. */
function memberPath(owner: string, member: string): string {
  return member.startsWith('[') ? `${owner}${member}` : `${owner}.${member}`;
}

/** `samples` → `sample`: the name of one element, for the guessers. */
function singular(name: string): string {
  return name.length > 3 && name.endsWith('s') ? name.slice(0, -1) : name;
}

/** An object named as a size or a shape (`boardSize`, the result of `getShape()`): its members are sizes. */
const SIZE_OWNER = /(size|shape|dims?|dimensions?)$/i;

/**
 * Text the code splits into a list (`symbols.split(',')`): two items, as lists guessed elsewhere have,
 * joined by what it splits on. A comma or a space joins as ", ", which a split on either (or on a
 * space and then, once joined again, on a comma) still cuts in two.
 */
function listAsText(name: string, separators: readonly string[]): string {
  const sep = separators[0];
  const joiner = sep === ',' || sep === ' ' || sep === '' ? ', ' : sep;
  return `${name}0${joiner}${name}1`;
}

/** Read only as text (`${pair}/model.json`): no count, no index, no member, not handed on. */
function textOnly(use: ParameterUse): boolean {
  return use.text && !use.numeric && !use.array && !use.input && !use.escapes && !use.elementsUnknown && use.tuple === undefined;
}

function numberGuess(name: string, owner: string, hint: DataHint): number | undefined {
  const v = name.length === 0 ? undefined : guessMember(name, owner, hint)?.value;
  return typeof v === 'number' ? v : undefined;
}

/** `getActionSize` → `actionSize`, `numActions` stays: the noun a method's result is named after. */
function methodNoun(method: string): string {
  const noun = /^(?:get|compute|calc|calculate|fetch|read)([A-Z].*)$/.exec(method)?.[1];
  return noun ? noun[0].toLowerCase() + noun.slice(1) : method;
}

/** The rank the first layer it is fed to expects: images for 2D convolutions, sequences for 1D and recurrent ones. */
function inputShape(use: ParameterUse, hint: DataHint): number[] {
  const layer = use.inputLayers.join(' ');
  if (/conv2d|conv2dTranspose|depthwiseConv2d|separableConv2d|(max|average)Pooling2d|upSampling2d|zeroPadding2d/i.test(layer)) {
    return shapeFor(hint, 3);
  }
  if (/conv1d|lstm|gru|simpleRNN|rnn|bidirectional|pooling1d/i.test(layer)) {
    return [10, 8];
  }
  // A merge joins features (often a flattened map with a vector): a vector.
  if (/concatenate|\.(add|multiply|average|maximum|minimum|dot)\b/i.test(layer) || (/\bdense|flatten|dropout|activation/i.test(layer) && hint.input !== 'image')) {
    return [16];
  }
  return shapeFor(hint, undefined);
}

/**
 * The stand-in where it knows more than the plain guess (`plain`, from the type, the flat reads and
 * the name): methods, nested objects or a layer input, a value the plain guess has none for, a list
 * where the plain guess is not one, or more of the members the code reads. A guess from a declared type always stands.
 */
export function guessWithStandIn(p: BuilderParameter, plain: Guess | undefined, site: ParameterSite | undefined, hint: DataHint): Guess | undefined {
  if (site === undefined || plain?.detail.startsWith('from the type')) {
    return plain;
  }
  const standIn = proposeStandIn(p, site, hint);
  if (standIn === undefined) {
    return plain;
  }
  const keys = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).length : -1);
  // A value the code indexes or iterates is a list, whatever a scalar its name suggests (`hiddenLayers[0]`).
  const listOverScalar = Array.isArray(standIn.value) && !Array.isArray(plain?.value);
  const better = standIn.structured || plain === undefined || listOverScalar || keys(standIn.value) > keys(plain.value);
  return better ? { value: standIn.value, detail: standIn.detail } : plain;
}
