import { strict as assert } from 'node:assert';
import { layoutGraph, type GraphLayout } from '../../../src/core/training/graph/graph-layout';
import { isotonicFit } from '../../../src/core/training/graph/graph-layout-position';
import type { GraphNode, ModelGraph } from '../../../src/core/training/protocol';

const node = (name: string, className = 'Dense', nested: ModelGraph | null = null): GraphNode => ({ name, className, outputShape: [null, 4], params: 20, source: null, nested });

function chain(count: number, prefix = 'layer'): ModelGraph {
  const nodes = [node('input', 'InputLayer'), ...Array.from({ length: count }, (_, i) => node(`${prefix}_${i + 1}`, i % 3 === 1 ? 'BatchNormalization' : 'Conv2D'))];
  return { nodes, edges: nodes.slice(1).map((n, i): [string, string] => [nodes[i].name, n.name]) };
}

const residual: ModelGraph = {
  nodes: [node('x', 'InputLayer'), node('stem'), node('branch1'), node('branch2'), node('add', 'Add'), node('head')],
  edges: [
    ['x', 'stem'],
    ['stem', 'branch1'],
    ['branch1', 'branch2'],
    ['stem', 'add'],
    ['branch2', 'add'],
    ['add', 'head'],
  ],
};

/** A U-Net: four levels down, four up, each up level concatenating the skip from its level down. */
function unet(): ModelGraph {
  const nodes: GraphNode[] = [node('image', 'InputLayer')];
  const edges: [string, string][] = [];
  let last = 'image';
  const add = (name: string, className: string, from: string[]) => {
    nodes.push(node(name, className));
    edges.push(...from.map((f): [string, string] => [f, name]));
    last = name;
  };
  const skips: string[] = [];
  for (let level = 1; level <= 4; level++) {
    add(`down${level}_conv`, 'Conv2D', [last]);
    add(`down${level}_bn`, 'BatchNormalization', [last]);
    skips.push(last);
    add(`down${level}_pool`, 'MaxPooling2D', [last]);
  }
  add('bottom_conv', 'Conv2D', [last]);
  for (let level = 4; level >= 1; level--) {
    add(`up${level}`, 'UpSampling2D', [last]);
    add(`up${level}_concat`, 'Concatenate', [last, skips[level - 1]]);
    add(`up${level}_conv`, 'Conv2D', [last]);
  }
  add('mask', 'Conv2D', [last]);
  return { nodes, edges };
}

/** Twelve parallel branches from one input into one concatenation: wider than 500 px. */
function wide(): ModelGraph {
  const branches = Array.from({ length: 12 }, (_, i) => node(`branch_${i}`));
  return {
    nodes: [node('x', 'InputLayer'), ...branches, node('concat', 'Concatenate')],
    edges: [...branches.map((b): [string, string] => ['x', b.name]), ...branches.map((b): [string, string] => [b.name, 'concat'])],
  };
}

function assertNoOverlaps(layout: GraphLayout, width: number): void {
  for (const n of layout.nodes) {
    assert.ok(n.x >= 0 && n.x + n.width <= width + 1e-9, `${n.id} fits the width: ${n.x}..${n.x + n.width} of ${width}`);
    assert.ok(n.y >= 0 && n.y + n.height <= layout.height, `${n.id} fits the height`);
  }
  for (let i = 0; i < layout.nodes.length; i++) {
    for (let j = i + 1; j < layout.nodes.length; j++) {
      const a = layout.nodes[i];
      const b = layout.nodes[j];
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${a.id} and ${b.id} overlap`);
    }
  }
}

const byId = (layout: GraphLayout) => new Map(layout.nodes.map((n) => [n.id, n]));

describe('graph layout (layered, top to bottom)', () => {
  const graphs: [string, ModelGraph][] = [
    ['residual', residual],
    ['U-Net with four skips', unet()],
    ['twelve parallel branches', wide()],
    ['120-layer chain', chain(120)],
  ];
  for (const [name, graph] of graphs) {
    for (const width of [500, 1000]) {
      it(`${name} at ${width} px: every node placed, inside the width, none overlapping, every edge flowing down`, () => {
        const layout = layoutGraph(graph, { width });
        assert.equal(layout.nodes.length, graph.nodes.length);
        assertNoOverlaps(layout, width);
        const at = byId(layout);
        for (const e of layout.edges) {
          assert.ok(at.get(e.from)!.y < at.get(e.to)!.y, `${e.from} above ${e.to}`);
          assert.deepEqual(e.points[0], [at.get(e.from)!.x + at.get(e.from)!.width / 2, at.get(e.from)!.y + at.get(e.from)!.height]);
          assert.deepEqual(e.points[e.points.length - 1], [at.get(e.to)!.x + at.get(e.to)!.width / 2, at.get(e.to)!.y]);
        }
      });
    }
  }

  it('the same graph always draws the same (stable order and coordinates)', () => {
    for (const graph of [residual, unet(), wide()]) {
      assert.deepEqual(layoutGraph(graph, { width: 700 }), layoutGraph(structuredClone(graph), { width: 700 }));
    }
    // Parallel branches keep the model's order left to right.
    const layout = layoutGraph(wide(), { width: 2600 });
    const xs = layout.nodes.filter((n) => n.id.startsWith('branch_')).map((n) => n.x);
    assert.deepEqual(xs, [...xs].sort((a, b) => a - b));
  });

  it('rows follow the longest path: the add sits below the longer branch; a chain is one straight column', () => {
    const at = byId(layoutGraph(residual, { width: 500 }));
    assert.ok(at.get('add')!.y > at.get('branch2')!.y);
    assert.ok(at.get('branch1')!.y > at.get('stem')!.y);
    const column = layoutGraph(chain(120), { width: 1000 });
    assert.equal(new Set(column.nodes.map((n) => n.x)).size, 1);
    assert.ok(column.height < 120 * 70, `${column.height} px for 121 nodes`);
  });

  it('the skip edge of the residual goes round the branch, not through it', () => {
    const layout = layoutGraph(residual, { width: 500 });
    const at = byId(layout);
    const skip = layout.edges.find((e) => e.from === 'stem' && e.to === 'add')!;
    assert.equal(skip.points.length, 4, 'through a waypoint in each of the two rows between');
    for (const [x, y] of skip.points.slice(1, -1)) {
      for (const id of ['branch1', 'branch2']) {
        const n = at.get(id)!;
        assert.ok(!(x >= n.x && x <= n.x + n.width && y >= n.y && y <= n.y + n.height), `waypoint (${x}, ${y}) inside ${id}`);
      }
    }
  });

  it('orders rows to remove crossings the model’s own order would make', () => {
    const graph: ModelGraph = {
      nodes: [node('a', 'InputLayer'), node('b', 'InputLayer'), node('from_b'), node('from_a'), node('out', 'Add')],
      edges: [
        ['a', 'from_a'],
        ['b', 'from_b'],
        ['from_a', 'out'],
        ['from_b', 'out'],
      ],
    };
    const at = byId(layoutGraph(graph, { width: 800 }));
    assert.equal(Math.sign(at.get('a')!.x - at.get('b')!.x), Math.sign(at.get('from_a')!.x - at.get('from_b')!.x));
  });

  it('a wide row wraps onto more lines at 500 px and stays on one at 2600 px', () => {
    const narrow = layoutGraph(wide(), { width: 500 });
    const rowsNarrow = new Set(narrow.nodes.filter((n) => n.id.startsWith('branch_')).map((n) => n.y));
    assert.ok(rowsNarrow.size >= 4, `${rowsNarrow.size} lines`);
    const broad = layoutGraph(wide(), { width: 2600 });
    assert.equal(new Set(broad.nodes.filter((n) => n.id.startsWith('branch_')).map((n) => n.y)).size, 1);
  });

  it('a nested model is one closed node until expanded; open, its layers sit inside its box, wired to the outside', () => {
    const inner: ModelGraph = { nodes: [node('in', 'InputLayer'), node('conv', 'Conv2D'), node('bn', 'BatchNormalization')], edges: [['in', 'conv'], ['conv', 'bn']] };
    const graph: ModelGraph = { nodes: [node('x', 'InputLayer'), node('block', 'Sequential', inner), node('head')], edges: [['x', 'block'], ['block', 'head']] };
    const closed = layoutGraph(graph, { width: 500 });
    assert.deepEqual(closed.nodes.map((n) => [n.id, n.collapsed]), [['x', false], ['block', true], ['head', false]]);
    assert.deepEqual(closed.groups, []);
    const open = layoutGraph(graph, { width: 500, expanded: new Set(['block']) });
    assert.deepEqual(open.nodes.map((n) => [n.id, n.group]), [['x', null], ['block/in', 'block'], ['block/conv', 'block'], ['block/bn', 'block'], ['head', null]]);
    assert.deepEqual(open.edges.map((e) => `${e.from}->${e.to}`), ['block/in->block/conv', 'block/conv->block/bn', 'x->block/in', 'block/bn->head']);
    assertNoOverlaps(open, 500);
    const [box] = open.groups;
    for (const n of open.nodes.filter((m) => m.group === 'block')) {
      assert.ok(n.x > box.x && n.y > box.y && n.x + n.width < box.x + box.width && n.y + n.height < box.y + box.height, `${n.id} inside the box`);
    }
  });

  it('a shared layer fed its own output: a self-loop and a cycle do not break the layout', () => {
    const graph: ModelGraph = {
      nodes: [node('x', 'InputLayer'), node('shared'), node('other'), node('out')],
      edges: [
        ['x', 'shared'],
        ['shared', 'shared'],
        ['shared', 'other'],
        ['other', 'shared'],
        ['other', 'out'],
      ],
    };
    const layout = layoutGraph(graph, { width: 500 });
    assertNoOverlaps(layout, 500);
    assert.equal(layout.edges.length, 5);
    assert.ok(layout.edges.every((e) => e.points.length >= 2 && e.points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))));
  });

  it('isotonicFit: the least-squares non-decreasing fit', () => {
    assert.deepEqual(isotonicFit([1, 3, 2, 4], [1, 1, 1, 1]), [1, 2.5, 2.5, 4]);
    assert.deepEqual(isotonicFit([5, 1], [3, 1]), [4, 4]);
    assert.deepEqual(isotonicFit([0, 1, 2], [1, 1, 1]), [0, 1, 2]);
  });
});
