/**
 * Mutations of a valid saved model for the saved-model fuzz: each takes the model (model.json as an
 * object, its shards by path) and a seeded random source, and returns the files of a mutated model and
 * what a conversion must do with it: refuse it (one line, nothing written), convert it (same
 * predictions), or either (tfjs decides whether a strange but harmless config loads).
 */
import { createRandom } from '../../../src/worker/random';

export interface SavedModelFiles {
  /** model.json: an object (written as JSON) or raw text/bytes (for non-JSON mutations). */
  json: Record<string, unknown> | string | Buffer;
  shards: Record<string, Buffer>;
  /** Symbolic links to lay in the model's folder: name → target ('VICTIM' is replaced by the victim file's path). */
  links?: Record<string, string>;
}

export type Expectation = 'refused' | 'converted' | 'either';

export interface Mutation {
  name: string;
  expect: Expectation;
  apply(model: SavedModelFiles, random: () => number): SavedModelFiles;
}

/** A seeded generator (the worker's mulberry32), so the fuzz is the same on every run. */
export const seededRandom = createRandom;

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

interface Group {
  paths: unknown[];
  weights: Array<Record<string, unknown>>;
}

function clone(model: SavedModelFiles): { json: Record<string, unknown>; shards: Record<string, Buffer>; manifest: Group[] } {
  const json = structuredClone(model.json) as Record<string, unknown>;
  return { json, shards: { ...model.shards }, manifest: json['weightsManifest'] as Group[] };
}

/** Every layer config in the topology, nested models included. */
function layerConfigs(node: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(node)) {
    node.forEach((n) => layerConfigs(n, out));
  } else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record['class_name'] === 'string' && record['config'] !== null && typeof record['config'] === 'object') {
      out.push(record);
    }
    Object.values(record).forEach((v) => layerConfigs(v, out));
  }
  return out;
}

function firstShard(model: { manifest: Group[] }): string {
  return model.manifest[0]!.paths[0] as string;
}

const HOSTILE_PATHS = ['../outside.bin', '../../victim.bin', 'a/../../victim.bin', '/etc/passwd', 'VICTIM_ABSOLUTE', 'file:///etc/passwd', 'https://example.com/w.bin', 'data:,AAAA', 'w.bin\0x', '', 'C:\\w.bin', '..\\victim.bin'];
const BAD_DTYPES: unknown[] = ['float64', 'int8', 'uint8', 'string16', 7, null, ['float32']];
const BAD_SHAPES: unknown[] = [[2 ** 31, 4], [1e6, 1e6, 1e6], [-1, 4], [1.5], ['3'], 'big', null, [Number.MAX_SAFE_INTEGER]];
const BAD_VALUES: unknown[] = ['abc', -1, 0, null, 1e308, [], {}, true, 'relu6x'];
const NOT_JSON: Array<string | Buffer> = ['', '{', '{"modelTopology": ', 'null', '[]', '42', '"model"', Buffer.from([0xff, 0xfe, 0x00, 0x7b]), '{"a":1}{"b":2}', 'modelTopology: {}'];

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'truncated shard',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const shard = firstShard(c);
      c.shards[shard] = c.shards[shard]!.subarray(0, Math.floor(random() * (c.shards[shard]!.length - 1)));
      return c;
    },
  },
  {
    name: 'shard with bytes appended',
    expect: 'converted',
    apply: (m, random) => {
      const c = clone(m);
      const shard = c.manifest.at(-1)!.paths.at(-1) as string;
      c.shards[shard] = Buffer.concat([c.shards[shard]!, Buffer.alloc(1 + Math.floor(random() * 64), 0x7f)]);
      return c;
    },
  },
  {
    name: 'missing shard file',
    expect: 'refused',
    apply: (m) => {
      const c = clone(m);
      delete c.shards[firstShard(c)];
      return c;
    },
  },
  {
    name: 'no paths',
    expect: 'refused',
    apply: (m) => {
      const c = clone(m);
      c.manifest[0]!.paths = [];
      return c;
    },
  },
  {
    name: 'duplicated path',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const shard = firstShard(c);
      c.manifest[0]!.paths.push(pick([shard, `./${shard}`, `${shard.includes('/') ? '' : './/'}${shard}`], random));
      return c;
    },
  },
  {
    name: 'hostile path',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const shard = firstShard(c);
      const hostile = pick(HOSTILE_PATHS, random);
      c.manifest[0]!.paths[0] = hostile;
      if (hostile.startsWith('../') && !hostile.includes('victim')) {
        c.shards[hostile] = c.shards[shard]!; // the bytes are there: only the path is wrong
      }
      return c;
    },
  },
  {
    name: 'symbolic link out of the folder',
    expect: 'refused',
    apply: (m) => {
      const c = clone(m);
      delete c.shards[firstShard(c)];
      return { ...c, links: { [firstShard(c)]: 'VICTIM' } };
    },
  },
  {
    name: 'wrong dtype',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      pick(c.manifest[0]!.weights, random)['dtype'] = pick(BAD_DTYPES, random);
      return c;
    },
  },
  {
    name: 'wrong quantization',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      // Unknown storage dtypes, and affine quantization without its scale and min.
      pick(c.manifest[0]!.weights, random)['quantization'] = pick([{ dtype: 'int4' }, null, 'uint8', { dtype: 'uint8' }, { dtype: 'uint16', scale: 0.5 }], random);
      return c;
    },
  },
  {
    name: 'huge or malformed declared shape',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      pick(c.manifest[0]!.weights, random)['shape'] = pick(BAD_SHAPES, random);
      return c;
    },
  },
  {
    name: 'shape that does not match the layer',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const weights = c.manifest[0]!.weights;
      const w = pick(weights.filter((x) => (x['shape'] as number[]).length >= 1 && !(x as { quantization?: unknown }).quantization), random) ?? weights[0]!;
      const shape = w['shape'] as number[];
      w['shape'] = [...shape.slice(0, -1), shape.at(-1)! + 1];
      return c;
    },
  },
  {
    name: 'weight left out of the manifest',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const weights = c.manifest.at(-1)!.weights;
      weights.splice(Math.floor(random() * weights.length), 1);
      return c;
    },
  },
  {
    name: 'weight renamed',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      pick(c.manifest[0]!.weights, random)['name'] = pick(['nope/kernel', '', 42], random);
      return c;
    },
  },
  {
    name: 'NaN weights',
    expect: 'converted',
    apply: (m, random) => {
      const c = clone(m);
      const shard = c.manifest.at(-1)!.paths.at(-1) as string;
      const bytes = Buffer.from(c.shards[shard]!);
      // Float32 NaN (0x7fc00000) over a few aligned words; a quantized model gets 0xff bytes (its max).
      for (let k = 0; k < 3; k++) {
        const at = 4 * Math.floor((random() * bytes.length) / 4);
        bytes.writeUInt32LE(0x7fc00000, Math.min(at, bytes.length - 4));
      }
      c.shards[shard] = bytes;
      return c;
    },
  },
  {
    name: 'wrong layer config value',
    expect: 'either',
    apply: (m, random) => {
      const c = clone(m);
      const layer = pick(layerConfigs(c.json['modelTopology']), random);
      const config = layer['config'] as Record<string, unknown>;
      const key = pick([...Object.keys(config), 'units', 'axis', 'momentum', 'epsilon', 'activation'], random);
      config[key] = pick(BAD_VALUES, random);
      return c;
    },
  },
  {
    name: 'unknown layer class',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const layers = layerConfigs(c.json['modelTopology']).filter((l) => !['Sequential', 'Model', 'Functional'].includes(l['class_name'] as string) && (l['config'] as Record<string, unknown>)['name'] !== undefined);
      pick(layers, random)['class_name'] = pick(['NopeLayer', 'BatchNormalizationV3', ''], random);
      return c;
    },
  },
  {
    name: 'nested model emptied or replaced',
    expect: 'either',
    apply: (m, random) => {
      const c = clone(m);
      const models = layerConfigs(c.json['modelTopology']).filter((l) => ['Sequential', 'Model', 'Functional'].includes(l['class_name'] as string));
      const target = pick(models, random);
      const config = target['config'] as Record<string, unknown>;
      const choice = Math.floor(random() * 3);
      if (choice === 0) {
        config['layers'] = [];
      } else if (choice === 1) {
        config['layers'] = { not: 'a list' };
      } else {
        target['config'] = structuredClone(c.json['modelTopology']); // a model inside itself
      }
      return c;
    },
  },
  {
    name: 'not JSON',
    expect: 'refused',
    apply: (m, random) => ({ ...clone(m), json: pick(NOT_JSON, random) }),
  },
  {
    name: 'wrong type for a field',
    expect: 'refused',
    apply: (m, random) => {
      const c = clone(m);
      const choice = Math.floor(random() * 7);
      if (choice === 0) {
        c.json['weightsManifest'] = { paths: ['x.bin'] };
      } else if (choice === 1) {
        c.manifest[0]!.paths = firstShard(c) as unknown as unknown[];
      } else if (choice === 2) {
        (c.manifest[0] as unknown as Record<string, unknown>)['weights'] = null;
      } else if (choice === 3) {
        c.json['modelTopology'] = [];
      } else if (choice === 4) {
        c.json['format'] = 'graph-model';
      } else if (choice === 5) {
        c.manifest[0]!.paths[0] = 7;
      } else {
        c.manifest[0]!.weights[0] = 'kernel' as unknown as Record<string, unknown>;
      }
      return c;
    },
  },
  {
    name: 'shard split in two',
    expect: 'converted',
    apply: (m, random) => {
      const c = clone(m);
      const group = c.manifest.at(-1)!;
      const shard = group.paths.at(-1) as string;
      const bytes = c.shards[shard]!;
      const cut = 1 + Math.floor(random() * (bytes.length - 2));
      delete c.shards[shard];
      const [a, b] = [`${shard}.part1`, `weights/${shard}.part2`];
      c.shards[a] = bytes.subarray(0, cut);
      c.shards[b] = bytes.subarray(cut);
      group.paths.splice(group.paths.length - 1, 1, a, b);
      return c;
    },
  },
];
