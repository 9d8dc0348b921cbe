import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import type { ModelGraph } from '../../../src/core/training/protocol';
import { extractModelGraph, flattenLayers } from '../../../src/worker/graph/model-graph';

const names = (graph: ModelGraph) => graph.nodes.map((n) => `${n.name}:${n.className}`);
const edgeSet = (graph: ModelGraph) => new Set(graph.edges.map(([a, b]) => `${a}->${b}`));

describe('model graph: extraction from the topology', () => {
  it('sequential: its implicit input first, then a chain with shapes and parameter counts', () => {
    const model = tf.sequential({ name: 'seq' });
    model.add(tf.layers.dense({ inputShape: [4], units: 3, name: 'a' }));
    model.add(tf.layers.dense({ units: 2, name: 'b' }));
    const graph = extractModelGraph(model, (name) => (name === 'b' ? { file: '/m.ts', line: 7 } : null));
    assert.deepEqual(names(graph), ['a_input:InputLayer', 'a:Dense', 'b:Dense']);
    assert.deepEqual(graph.edges, [
      ['a_input', 'a'],
      ['a', 'b'],
    ]);
    assert.deepEqual(
      graph.nodes.map((n) => [n.outputShape, n.params, n.source, n.nested]),
      [
        [[null, 4], 0, null, null],
        [[null, 3], 15, null, null],
        [[null, 2], 8, { file: '/m.ts', line: 7 }, null],
      ],
    );
  });

  it('functional with a residual branch: the add node has both inbound edges', () => {
    const x = tf.input({ shape: [8], name: 'x' });
    const stem = tf.layers.dense({ units: 8, name: 'stem' }).apply(x) as tf.SymbolicTensor;
    const branch = tf.layers.dense({ units: 8, name: 'branch1' }).apply(stem) as tf.SymbolicTensor;
    const branch2 = tf.layers.dense({ units: 8, name: 'branch2' }).apply(branch) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'residual' }).apply([stem, branch2]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, name: 'head' }).apply(sum) as tf.SymbolicTensor;
    const graph = extractModelGraph(tf.model({ inputs: x, outputs: out }));
    assert.deepEqual(names(graph), ['x:InputLayer', 'stem:Dense', 'branch1:Dense', 'branch2:Dense', 'residual:Add', 'head:Dense']);
    assert.deepEqual(
      graph.edges.filter(([, to]) => to === 'residual'),
      [
        ['stem', 'residual'],
        ['branch2', 'residual'],
      ],
    );
    assert.deepEqual(edgeSet(graph), new Set(['x->stem', 'stem->branch1', 'branch1->branch2', 'stem->residual', 'branch2->residual', 'residual->head']));
  });

  it('a shared layer called twice is one node with the edges of both calls, and no call from another model', () => {
    const x = tf.input({ shape: [4], name: 'x' });
    const shared = tf.layers.dense({ units: 4, name: 'shared' });
    const once = shared.apply(x) as tf.SymbolicTensor;
    const twice = shared.apply(once) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: twice });
    // The same layer in a second model: its call there must not leak into the first model's graph.
    const other = tf.input({ shape: [4], name: 'other_in' });
    tf.model({ inputs: other, outputs: shared.apply(other) as tf.SymbolicTensor });
    const graph = extractModelGraph(model);
    assert.deepEqual(names(graph), ['x:InputLayer', 'shared:Dense']);
    assert.deepEqual(edgeSet(graph), new Set(['x->shared', 'shared->shared']));
    assert.deepEqual(graph.nodes[1].outputShape, [null, 4]);
    assert.equal(graph.nodes[1].params, 20);
  });

  it('a nested model is one node holding its own graph, with the call’s output shape', () => {
    const inner = tf.sequential({ name: 'block' });
    inner.add(tf.layers.dense({ inputShape: [6], units: 5, name: 'inner_dense' }));
    inner.add(tf.layers.batchNormalization({ name: 'inner_bn' }));
    const x = tf.input({ shape: [6], name: 'x' });
    const y = inner.apply(x) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, name: 'out' }).apply(y) as tf.SymbolicTensor;
    const model = tf.model({ inputs: x, outputs: out });
    const graph = extractModelGraph(model, (name) => (name === 'inner_bn' ? { file: '/m.ts', line: 3 } : null));
    assert.deepEqual(names(graph), ['x:InputLayer', 'block:Sequential', 'out:Dense']);
    assert.deepEqual(edgeSet(graph), new Set(['x->block', 'block->out']));
    const block = graph.nodes[1];
    assert.deepEqual(block.outputShape, [null, 5]);
    assert.equal(block.params, 6 * 5 + 5 + 4 * 5, 'the dense kernel and bias, the batch norm’s four vectors');
    assert.ok(block.nested);
    assert.deepEqual(names(block.nested), ['inner_dense_input:InputLayer', 'inner_dense:Dense', 'inner_bn:BatchNormalization']);
    assert.deepEqual(block.nested.edges, [
      ['inner_dense_input', 'inner_dense'],
      ['inner_dense', 'inner_bn'],
    ]);
    assert.deepEqual(block.nested.nodes[2].source, { file: '/m.ts', line: 3 });
    assert.deepEqual(
      flattenLayers(model).map((l) => l.name),
      ['block', 'inner_dense', 'inner_bn', 'x', 'out'],
    );
  });

  it('multi-input and multi-output: a merge of two inputs, two heads, a layer with two outputs', () => {
    const image = tf.input({ shape: [4], name: 'image' });
    const meta = tf.input({ shape: [2], name: 'meta' });
    const joined = tf.layers.concatenate({ name: 'join' }).apply([image, meta]) as tf.SymbolicTensor;
    const trunk = tf.layers.dense({ units: 3, name: 'trunk' }).apply(joined) as tf.SymbolicTensor;
    const cls = tf.layers.dense({ units: 5, activation: 'softmax', name: 'cls' }).apply(trunk) as tf.SymbolicTensor;
    const box = tf.layers.dense({ units: 4, name: 'box' }).apply(trunk) as tf.SymbolicTensor;
    const [seq, state] = tf.layers.lstm({ units: 2, returnState: true, name: 'rnn' }).apply(tf.layers.reshape({ targetShape: [3, 1], name: 'as_seq' }).apply(trunk) as tf.SymbolicTensor) as tf.SymbolicTensor[];
    const model = tf.model({ inputs: [image, meta], outputs: [cls, box, seq, state] });
    const graph = extractModelGraph(model);
    assert.deepEqual(names(graph).slice(0, 2), ['image:InputLayer', 'meta:InputLayer']);
    assert.deepEqual(edgeSet(graph), new Set(['image->join', 'meta->join', 'join->trunk', 'trunk->cls', 'trunk->box', 'trunk->as_seq', 'as_seq->rnn']));
    const byName = new Map(graph.nodes.map((n) => [n.name, n]));
    assert.deepEqual(byName.get('join')?.outputShape, [null, 6]);
    // The LSTM's output and its two states (h, c).
    assert.deepEqual(byName.get('rnn')?.outputShape, [
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
  });
});
