import { strict as assert } from 'node:assert';
import { findSmallerInput, halvedShape, withSmallerInputAdvice, type CallValues } from '../../../src/worker/budget/smaller-input';

describe('a smaller input: where the model input shape comes from, halved', () => {
  const halving: [(number | null)[], number[] | undefined][] = [
    [[224, 224, 3], [112, 112, 3]],
    [[100, 8], [50, 8]],
    [[64, 20, 3], [32, 20, 3]],
    [[28, 28, 1], undefined],
    [[784], undefined],
    [[null, 40], undefined],
    [[33, 33, 1], [16, 16, 1]],
  ];
  for (const [shape, expected] of halving) {
    it(`${JSON.stringify(shape)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(halvedShape(shape), expected));
  }

  const sources: [string, CallValues, { from: string; flag: string; change: object } | undefined][] = [
    ['an argument that is the shape', { args: [[224, 224, 3], 10], argsSource: 'call in app.js:4' }, { from: "the builder's argument 1", flag: "--args '[[112, 112, 3], 10]'", change: { args: [[112, 112, 3], 10], argsSource: 'call in app.js:4; input halved to 112×112×3 to fit' } }],
    ['a member of an options argument', { args: [{ inputShape: [224, 224, 3], classes: 5 }] }, { from: "the builder's argument 1 (its inputShape)", flag: "--args '[{ inputShape: [112, 112, 3], classes: 5 }]'", change: { args: [{ inputShape: [112, 112, 3], classes: 5 }], argsSource: 'input halved to 112×112×3 to fit' } }],
    ['a number that is both sides of a square image', { args: [10, 224] }, { from: "the builder's argument 2", flag: "--args '[10, 112]'", change: { args: [10, 112], argsSource: 'input halved to 112×112×3 to fit' } }],
    ['an array wins over an equal side', { args: [224, [224, 224, 3]] }, { from: "the builder's argument 2", flag: "--args '[224, [112, 112, 3]]'", change: { args: [224, [112, 112, 3]], argsSource: 'input halved to 112×112×3 to fit' } }],
    ["a constructor's argument (--model Class)", { args: [[224, 224, 3]], argsAreConstructor: true }, { from: "the constructor's argument 1", flag: "--args '[[112, 112, 3]]'", change: { args: [[112, 112, 3]], argsSource: 'input halved to 112×112×3 to fit' } }],
    ["a method's constructor argument", { args: [], ctorArgs: [{ imageSize: 224 }] }, { from: "the constructor's argument 1 (its imageSize)", flag: "--ctor-args '[{ imageSize: 112 }]'", change: { ctorArgs: [{ imageSize: 112 }], argsSource: 'input halved to 112×112×3 to fit' } }],
    ['a field the constructor set, with the fields given before', { args: [], instance: { classes: ['a', 'b'], inputShape: [224, 224, 3], model: null }, instanceVars: { numClasses: 2 } }, { from: 'this.inputShape', flag: "--instance-vars '{ inputShape: [112, 112, 3] }'", change: { instanceVars: { numClasses: 2, inputShape: [112, 112, 3] }, instanceVarsSource: 'input halved to 112×112×3 to fit', instanceVarsTyped: ['inputShape'] } }],
    ['a side field by its name', { instance: { epochs: 224, imgSize: 224 } }, { from: 'this.imgSize', flag: "--instance-vars '{ imgSize: 112 }'", change: { instanceVars: { imgSize: 112 }, instanceVarsSource: 'input halved to 112×112×3 to fit', instanceVarsTyped: ['imgSize'] } }],
    ['a module variable', { moduleVars: { CONFIG: { inputShape: [224, 224, 3], lr: 0.01 } } }, { from: 'module variable CONFIG.inputShape', flag: "--module-vars '{ CONFIG: { inputShape: [112, 112, 3], lr: 0.01 } }'", change: { moduleVars: { CONFIG: { inputShape: [112, 112, 3], lr: 0.01 } }, moduleVarsSource: 'input halved to 112×112×3 to fit' } }],
    // An options object the constructor kept is the user's: a given field writes over a size, never into an object.
    ['not inside an options object the instance holds', { instance: { config: { inputShape: [224, 224, 3] } } }, undefined],
    ['nowhere in the call', { args: [[32, 32, 3]] }, undefined],
  ];
  for (const [what, call, expected] of sources) {
    it(what, () => {
      const found = findSmallerInput([[224, 224, 3]], call);
      assert.deepEqual(found && { from: found.from, flag: found.flag, change: found.change }, expected);
    });
  }

  it('a model of several inputs, or one too small to halve, gets none', () => {
    assert.equal(findSmallerInput([[224, 224, 3], [10]], { args: [[224, 224, 3]] }), undefined);
    assert.equal(findSmallerInput([[28, 28, 1]], { args: [[28, 28, 1]] }), undefined);
  });

  it('a number that is one side of an image that is not square is not taken for it', () => {
    assert.equal(findSmallerInput([[224, 160, 3]], { args: [224] }), undefined);
  });

  it('an instance whose own getter throws leaves the advice as it was', () => {
    const instance = Object.defineProperty({}, 'broken', { enumerable: true, get: () => { throw new Error('no'); } });
    assert.equal(findSmallerInput([[224, 224, 3]], { instance }), undefined);
  });

  it("names the value in a memory or time failure's generic advice, and leaves other messages as they are", () => {
    const smaller = findSmallerInput([[224, 224, 3]], { instance: { inputShape: [224, 224, 3] } });
    const memory = 'the model (51.5 M parameters) cannot train within the wasm heap: one training step needs about 3.5 GB even at batch size 1 and 3.3 GB is free for it; pass a smaller input shape with --args or use a smaller model';
    assert.deepEqual(withSmallerInputAdvice(memory, smaller), {
      message: "the model (51.5 M parameters) cannot train within the wasm heap: one training step needs about 3.5 GB even at batch size 1 and 3.3 GB is free for it; the input [224, 224, 3] comes from this.inputShape: halve it with --instance-vars '{ inputShape: [112, 112, 3] }' or use a smaller model",
      smallerInput: smaller,
    });
    assert.deepEqual(withSmallerInputAdvice(memory, undefined), { message: memory });
    assert.deepEqual(withSmallerInputAdvice('the worker used more than its 4096 MB memory cap; lower --batch-size', smaller), { message: 'the worker used more than its 4096 MB memory cap; lower --batch-size' });
  });
});
