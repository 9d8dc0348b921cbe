// Source of snippets/javascript.json and snippets/typescript.json: one definition, two dialects, so the two
// files never drift apart. Run `node scripts/snippets-source.mjs` after editing; a unit test checks the
// committed JSON matches and that every snippet body parses.
import fs from 'node:fs';

const LAYER_ARGS = "{ axis: ${1:-1}, momentum: ${2:0.9}, epsilon: ${3:1e-4}, center: ${4|true,false|}, scale: ${5|true,false|} }";

function convBlock() {
  return [
    "${1:model}.add(tf.layers.conv2d({ filters: ${2:32}, kernelSize: ${3:3}, padding: '${4|same,valid|}', useBias: false }));",
    '${1:model}.add(runningBatchNorm({ momentum: ${5:0.9} }));',
    "${1:model}.add(tf.layers.activation({ activation: '${6|relu,elu,swish|}' }));",
    '$0',
  ];
}

function denseBlock() {
  return [
    '${1:model}.add(tf.layers.dense({ units: ${2:128}, useBias: false }));',
    '${1:model}.add(runningBatchNorm({ momentum: ${3:0.9} }));',
    "${1:model}.add(tf.layers.activation({ activation: '${4|relu,elu,swish|}' }));",
    '$0',
  ];
}

function modelFactory(ts) {
  const imports = ts
    ? ["import * as tf from '@tensorflow/tfjs';", "import { runningBatchNorm } from '${2:./running-batch-norm}';"]
    : ["const tf = require('@tensorflow/tfjs');", "const { runningBatchNorm } = require('${2:./running-batch-norm}');"];
  const signature = ts ? 'export function ${1:createModel}(): tf.Sequential {' : 'function ${1:createModel}() {';
  const body = [
    ...imports,
    '',
    '/** A small CNN for ${3:28}x${4:28}x${5:1} images; right-click it and run "Sanity-Train Model" to check it trains. */',
    signature,
    '  const model = tf.sequential();',
    "  model.add(tf.layers.conv2d({ inputShape: [${3:28}, ${4:28}, ${5:1}], filters: 16, kernelSize: 3, padding: 'same', useBias: false }));",
    '  model.add(runningBatchNorm({ momentum: 0.9 }));',
    "  model.add(tf.layers.activation({ activation: 'relu' }));",
    '  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));',
    "  model.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, padding: 'same', useBias: false }));",
    '  model.add(runningBatchNorm({ momentum: 0.9 }));',
    "  model.add(tf.layers.activation({ activation: 'relu' }));",
    '  model.add(tf.layers.globalAveragePooling2d({}));',
    "  model.add(tf.layers.dense({ units: ${6:10}, activation: 'softmax' }));",
    "  model.compile({ optimizer: tf.train.adam(${7:1e-3}), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });",
    '  return model;',
    '}',
  ];
  if (!ts) {
    body.push('', 'module.exports = { ${1:createModel} };');
  }
  body.push('$0');
  return body;
}

/** The snippets of one dialect, in VS Code's snippet-file format. */
export function snippetsFor(ts) {
  return {
    'RunningBatchNorm layer': {
      prefix: 'rbn',
      description: 'runningBatchNorm(...) with every argument at its default (momentum is the weight of the old running value, as in Keras).',
      body: [`runningBatchNorm(${LAYER_ARGS})$0`],
    },
    'Import RunningBatchNorm (ES module)': {
      prefix: 'rbn-import',
      description: 'import { runningBatchNorm } from the vendored layer file',
      body: ["import { runningBatchNorm${2:, RunningBatchNorm} } from '${1:./running-batch-norm}';", '$0'],
    },
    'Require RunningBatchNorm (CommonJS)': {
      prefix: ['rbn-import', 'rbn-require'],
      description: 'const { runningBatchNorm } = require(...) of the vendored layer file',
      body: ["const { runningBatchNorm${2:, RunningBatchNorm} } = require('${1:./running-batch-norm}');", '$0'],
    },
    'Conv block with RunningBatchNorm': {
      prefix: 'rbn-conv-block',
      description: 'conv2d (no bias) + RunningBatchNorm + activation, added to a sequential model',
      body: convBlock(),
    },
    'Dense block with RunningBatchNorm': {
      prefix: 'rbn-dense-block',
      description: 'dense (no bias) + RunningBatchNorm + activation, added to a sequential model',
      body: denseBlock(),
    },
    'Model factory with RunningBatchNorm': {
      prefix: 'rbn-model',
      description: 'A compiled tf.sequential CNN factory with RunningBatchNorm, ready for "Sanity-Train Model"',
      body: modelFactory(ts),
    },
  };
}

/**
 * Snippets whose body calls runningBatchNorm without importing it: the extension offers these itself
 * (src/vscode/conversion/editor/snippet-completions.ts), so that inserting one also adds the import and the
 * layer file when the project has none. The rest are contributed as plain snippet files.
 */
const NEEDS_LAYER = new Set(['rbn', 'rbn-conv-block', 'rbn-dense-block']);

function pick(ts, layer) {
  return Object.fromEntries(Object.entries(snippetsFor(ts)).filter(([, s]) => NEEDS_LAYER.has([s.prefix].flat()[0]) === layer));
}

/** `layer`: the file of snippets that need the layer (snippets/<dialect>.layer.json). */
export function snippetFileText(ts, layer = false) {
  return JSON.stringify(pick(ts, layer), null, 2) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, ts] of [['javascript', false], ['typescript', true]]) {
    fs.writeFileSync(`snippets/${name}.json`, snippetFileText(ts));
    fs.writeFileSync(`snippets/${name}.layer.json`, snippetFileText(ts, true));
  }
  console.log('wrote snippets/{javascript,typescript}{,.layer}.json');
}
