import { strict as assert } from 'node:assert';
import { formatArgumentList, proposeArguments } from '../../../../src/core/analysis/arguments/argument-proposals';
import { parseArgsLiteral } from '../../../../src/core/analysis/arguments/args-literal';
import { layerListOf } from '../../../../src/core/analysis/arguments/layer-list';
import { fillEmptyLists } from '../../../../src/core/analysis/arguments/typed-constants';
import { findModelBuilders } from '../../../../src/core/analysis/builders/model-builders';
import type { ArgumentProposal } from '../../../../src/core/analysis/types';

// Builders that make a model from a layer list their app assembles: the cases the code handles say
// what a list may hold, and the stand-in is a small network of them with the batch norm in it.

const NS = "import * as tf from '@tensorflow/tfjs';\n";
const CJS = "const tf = require('@tensorflow/tfjs');\n";

function propose(code: string, id: string, fileName = 'model.js', files: Record<string, string> = {}): ArgumentProposal {
  const builder = findModelBuilders(code, fileName).find((b) => b.id === id);
  assert.ok(builder, `no builder ${id}`);
  const packageFiles = Object.entries(files).map(([file, text]) => ({ file, code: text }));
  return proposeArguments(builder, { file: fileName, code }, { files: packageFiles, displayFile: (f) => f });
}

describe('a stand-in layer list from the kinds the code handles', () => {
  const rows: [string, string[], string[], string[] | undefined][] = [
    ['dense and batch norm', ['dense', 'dropout', 'batchnorm'], [], ['dense', 'batchnorm', 'dense']],
    ['an input case leads', ['input', 'dense', 'conv2d', 'flatten', 'batchnorm'], [], ['input', 'dense', 'batchnorm', 'dense']],
    ["the code's own spelling", ['Conv2D', 'BatchNormalization', 'Dense', 'Flatten'], [], ['Dense', 'BatchNormalization', 'Dense']],
    ['only the convolution gives the input shape: it starts there', ['Conv2D', 'BatchNormalization', 'Flatten', 'Dense'], ['Conv2D'], ['Conv2D', 'BatchNormalization', 'Flatten', 'Dense']],
    ['the dense case gives it too: dense', ['conv2d', 'batchNormalization', 'flatten', 'dense'], ['conv2d', 'dense'], ['dense', 'batchNormalization', 'dense']],
    ['a convolution without a flatten case: dense', ['conv2d', 'batchNorm', 'dense'], ['conv2d'], ['dense', 'batchNorm', 'dense']],
    ['other names of a dense layer', ['fullyConnected', 'batch_norm'], [], ['fullyConnected', 'batch_norm', 'fullyConnected']],
    ['no batch norm among them', ['dense', 'dropout', 'flatten'], [], undefined],
    ['no dense layer', ['conv2d', 'batchnorm', 'flatten'], ['conv2d'], undefined],
    ['values that are no layers', ['adam', 'sgd'], [], undefined],
  ];
  for (const [title, choices, inputCases, expected] of rows) {
    it(`${title}: ${choices.join(', ')} → ${expected?.join(', ') ?? 'none'}`, () => {
      assert.deepEqual(layerListOf(choices, inputCases), expected);
    });
  }
});

interface Row {
  title: string;
  code: string;
  id: string;
  /** The proposal as the argument box shows it. */
  text: string;
  /** A part of the guessed parameter's detail. */
  detail?: RegExp;
}

const SWITCH_HELPER = `  switch (layer.type) {
    case 'input': return tf.layers.inputLayer({ inputShape: layer.shape.split(',').map(Number) });
    case 'dense': return tf.layers.dense({ units: layer.units, activation: layer.activation || 'relu' });
    case 'dropout': return tf.layers.dropout({ rate: layer.rate });
    case 'batchnorm': return tf.layers.batchNormalization();
    default: return null;
  }`;

const rows: Row[] = [
  {
    title: "a config's layer list, each element handed to a method that switches on its kind: input, dense, batch norm, dense",
    code: `${CJS}class Builder {
  compile(config) {
    const layers = [];
    for (let i = 0; i < config.layers.length; i++) {
      const layer = config.layers[i];
      const made = this.createLayer(layer);
      if (made) layers.push(made);
    }
    return tf.sequential({ layers });
  }
  createLayer(layer) {
${SWITCH_HELPER}
  }
}
module.exports = { Builder };`,
    id: 'Builder.compile',
    text: "[{ layers: [{ type: 'input', shape: '784', units: 32, rate: 0.1 }, { type: 'dense', shape: '784', units: 32, rate: 0.1 }, { type: 'batchnorm', shape: '784', units: 32, rate: 0.1 }, { type: 'dense', shape: '784', units: 32, rate: 0.1 }] }]",
    detail: /layers\[i\]\.type: input, dense, batchnorm, dense, a small network of the kinds the code handles \('input', 'dense', 'dropout', 'batchnorm'\)/,
  },
  {
    title: 'a kind compared after lowering its case, in a for-of loop, logged on the way: the lowered values',
    code: `${CJS}function assemble(architecture) {
  const model = tf.sequential();
  for (const layer of architecture.layers) {
    console.log('adding', layer);
    switch (layer.type.toLowerCase()) {
      case 'dense':
        model.add(tf.layers.dense({ units: layer.units, inputShape: layer.inputShape }));
        break;
      case 'batchnormalization':
        model.add(tf.layers.batchNormalization());
        break;
    }
  }
  return model;
}
module.exports = { assemble };`,
    id: 'assemble',
    text: "[{ layers: [{ type: 'dense', units: 32, inputShape: [784] }, { type: 'batchnormalization', units: 32, inputShape: [784] }, { type: 'dense', units: 32, inputShape: [784] }] }]",
  },
  {
    title: 'a list checked with Array.isArray and mapped, its kinds compared in an if chain: a dense layer leads (no case says which kind takes the input shape)',
    code: `${CJS}function convert(data) {
  if (!Array.isArray(data.layers)) throw new Error('missing layers');
  const model = tf.sequential();
  data.layers.forEach((layer, index) => {
    if (layer.type === 'Conv2D') {
      model.add(tf.layers.conv2d({ filters: layer.filters, kernelSize: layer.kernelSize, inputShape: index === 0 ? [28, 28, 1] : undefined }));
    } else if (layer.type === 'BatchNormalization') {
      model.add(tf.layers.batchNormalization());
    } else if (layer.type === 'Flatten') {
      model.add(tf.layers.flatten());
    } else if (layer.type === 'Dense') {
      model.add(tf.layers.dense({ units: layer.units }));
    }
  });
  return model;
}
module.exports = { convert };`,
    id: 'convert',
    text: "[{ layers: [{ type: 'Dense', filters: 16, kernelSize: 3, units: 32 }, { type: 'BatchNormalization', filters: 16, kernelSize: 3, units: 32 }, { type: 'Dense', filters: 16, kernelSize: 3, units: 32 }] }]",
  },
  {
    title: 'a switch whose convolution case alone gives the input shape: convolution, batch norm, flatten, dense',
    code: `${CJS}function convert(data) {
  const model = tf.sequential();
  data.layers.forEach((layer) => {
    switch (layer.type) {
      case 'Conv2D':
        model.add(tf.layers.conv2d({ filters: layer.filters, kernelSize: layer.kernelSize, inputShape: layer.inputShape || [28, 28, 1] }));
        break;
      case 'BatchNormalization': model.add(tf.layers.batchNormalization()); break;
      case 'Flatten': model.add(tf.layers.flatten()); break;
      case 'Dense': model.add(tf.layers.dense({ units: layer.units })); break;
    }
  });
  return model;
}
module.exports = { convert };`,
    id: 'convert',
    text: "[{ layers: [{ type: 'Conv2D', filters: 16, kernelSize: 3, units: 32 }, { type: 'BatchNormalization', filters: 16, kernelSize: 3, units: 32 }, { type: 'Flatten', filters: 16, kernelSize: 3, units: 32 }, { type: 'Dense', filters: 16, kernelSize: 3, units: 32 }] }]",
  },
  {
    title: 'two lists of one object handed to the same helper: each gets its layers',
    code: `${CJS}function branch(input, layers) {
  const model = tf.sequential();
  layers.forEach((layer, i) => {
    if (layer.type === 'dense') model.add(tf.layers.dense({ units: layer.units, ...(i === 0 ? { inputShape: input } : {}) }));
    if (layer.type === 'batchNormalization') model.add(tf.layers.batchNormalization());
  });
  return model;
}
function buildGan(branches) {
  return { generator: branch([4], branches.generator), discriminator: branch([2], branches.discriminator) };
}
module.exports = { buildGan };`,
    id: 'buildGan',
    text: "[{ generator: [{ type: 'dense', units: 32 }, { type: 'batchNormalization', units: 32 }, { type: 'dense', units: 32 }], discriminator: [{ type: 'dense', units: 32 }, { type: 'batchNormalization', units: 32 }, { type: 'dense', units: 32 }] }]",
  },
  {
    title: 'kinds with no batch norm among them: two records as before',
    code: `${CJS}function stack(config) {
  const m = tf.sequential();
  for (const layer of config.layers) {
    if (layer.kind === 'dense') m.add(tf.layers.dense({ units: layer.units, inputShape: [4] }));
    if (layer.kind === 'dropout') m.add(tf.layers.dropout({ rate: 0.1 }));
  }
  m.add(tf.layers.batchNormalization());
  return m;
}
module.exports = { stack };`,
    id: 'stack',
    text: "[{ layers: [{ kind: 'dense', units: 32 }, { kind: 'dense', units: 32 }] }]",
  },
];

describe('layer lists a builder assembles from its argument', () => {
  for (const row of rows) {
    it(row.title, () => {
      const p = propose(row.code, row.id);
      assert.equal(formatArgumentList(p.args), row.text);
      if (row.detail) {
        assert.match(p.sources[0].detail, row.detail);
      }
    });
  }
});

describe("an app's starting state whose layer list is empty", () => {
  const TYPES = "export interface LayerConfig { type: string; units?: number }\nexport interface NetworkConfig { layers: LayerConfig[]; training: { loss: string } }\n";
  const BUILDER = `${NS}import type { NetworkConfig } from './types';
export function compileModel(config: NetworkConfig) {
  const model = tf.sequential();
  for (const layer of config.layers) {
    switch (layer.type) {
      case 'dense': model.add(tf.layers.dense({ units: layer.units, inputShape: [8] })); break;
      case 'batchnorm': model.add(tf.layers.batchNormalization()); break;
    }
  }
  model.compile({ optimizer: 'adam', loss: config.training.loss });
  return model;
}
`;

  it('keeps its own settings and fills the list from the stand-in, saying so', () => {
    const files = { 'types.ts': TYPES, 'store.ts': "import type { NetworkConfig } from './types';\nexport const initialConfig: NetworkConfig = { layers: [], training: { loss: 'meanSquaredError' } };\n" };
    const p = propose(BUILDER, 'compileModel', 'build.ts', files);
    assert.deepEqual(p.args[0], { layers: [{ type: 'dense', units: 32 }, { type: 'batchnorm', units: 32 }, { type: 'dense', units: 32 }], training: { loss: 'meanSquaredError' } });
    assert.equal(p.sources[0].source, 'constant');
    assert.match(p.sources[0].detail, /^initialConfig in store\.ts, of its type NetworkConfig; its empty layers filled in \(layers\[i\]\.type: dense, batchnorm, dense, a small network of the kinds the code handles \('dense', 'batchnorm'\)\)$/);
  });

  it('a constant whose list has layers stays as it is', () => {
    const files = { 'types.ts': TYPES, 'store.ts': "import type { NetworkConfig } from './types';\nexport const preset: NetworkConfig = { layers: [{ type: 'batchnorm' }], training: { loss: 'meanSquaredError' } };\n" };
    const p = propose(BUILDER, 'compileModel', 'build.ts', files);
    assert.deepEqual(p.args[0], { layers: [{ type: 'batchnorm' }], training: { loss: 'meanSquaredError' } });
    assert.equal(p.sources[0].detail, 'preset in store.ts, of its type NetworkConfig');
  });
});

describe('fillEmptyLists', () => {
  const rows: [string, unknown, unknown, unknown, string[]][] = [
    ['an empty list the stand-in fills', { layers: [], lr: 0.1 }, { layers: [{ type: 'dense' }] }, { layers: [{ type: 'dense' }], lr: 0.1 }, ['layers']],
    ['nested', { net: { layers: [] } }, { net: { layers: [1, 2] } }, { net: { layers: [1, 2] } }, ['net.layers']],
    ['a list with elements stays', { layers: [{ type: 'x' }] }, { layers: [{ type: 'dense' }] }, { layers: [{ type: 'x' }] }, []],
    ['no stand-in for it', { layers: [] }, { other: [1] }, { layers: [] }, []],
    ['an empty stand-in list', { layers: [] }, { layers: [] }, { layers: [] }, []],
    ['no stand-in at all', { layers: [] }, undefined, { layers: [] }, []],
  ];
  for (const [title, value, standIn, expected, filled] of rows) {
    it(title, () => {
      const out = fillEmptyLists(value, standIn);
      assert.deepEqual(out.value, expected);
      assert.deepEqual(out.filled, filled);
    });
  }
});

describe('a parameter given to tf.sequential as its layers', () => {
  const rows: [string, string, string][] = [
    ['as the layers of tf.sequential', `${CJS}function getModel(Layers, params) {\n  const model = tf.sequential({ layers: Layers });\n  model.compile({ optimizer: params.optimizer, loss: 'categoricalCrossentropy' });\n  return model;\n}\nmodule.exports = { getModel };`, 'getModel'],
    ['shorthand, in a member of an options object', `${CJS}function make(opts) {\n  const layers = opts.layers;\n  return tf.sequential({ layers });\n}\nmodule.exports = { make };`, 'make'],
  ];
  for (const [title, code, id] of rows) {
    it(`${title}: a dense layer on 784 inputs, a batch norm and a softmax over 10 classes`, () => {
      const text = formatArgumentList(propose(code, id).args);
      assert.match(text, /\[tf\.layers\.dense\(\{ units: 32, activation: 'relu', inputShape: \[784\] \}\), tf\.layers\.batchNormalization\(\), tf\.layers\.dense\(\{ units: 10, activation: 'softmax' \}\)\]/);
    });
  }

  it('an image file gets a flatten first', () => {
    const code = `${CJS}function build(layers) {\n  const m = tf.sequential({ layers });\n  m.add(tf.layers.conv2d({ filters: 8, kernelSize: 3 }));\n  return m;\n}\nmodule.exports = { build };`;
    assert.match(formatArgumentList(propose(code, 'build').args), /^\[\[tf\.layers\.flatten\(\{ inputShape: \[28, 28, 1\] \}\), tf\.layers\.dense/);
  });

  const typed: [string, unknown[]][] = [
    ["[[tf.layers.dense({ units: 8, inputShape: [4] }), tf.layers.batchNormalization()]]", [[{ $layer: 'dense', config: { units: 8, inputShape: [4] } }, { $layer: 'batchNormalization' }]]],
    ['[tf.layers.flatten()]', [{ $layer: 'flatten' }]],
  ];
  for (const [text, values] of typed) {
    it(`${text} reads back as the layers the worker makes, and prints the same`, () => {
      assert.deepEqual(parseArgsLiteral(text), { ok: true, values });
      assert.equal(formatArgumentList(values), text);
    });
  }

  const refused: [string, RegExp][] = [
    ['[tf.layers.]', /expected a layer after tf\.layers\./],
    ['[tf.layers.Dense()]', /expected a layer after tf\.layers\./],
    ['[tf.layers.dense]', /expected '\(' after tf\.layers\.dense/],
    ['[tf.layers.dense({ units: 8 }, 2)]', /expected '\)' after tf\.layers\.dense's config/],
  ];
  for (const [text, message] of refused) {
    it(`${text} is refused with a message`, () => {
      const parsed = parseArgsLiteral(text);
      assert.equal(parsed.ok, false);
      assert.match((parsed as { message: string }).message, message);
    });
  }
});
