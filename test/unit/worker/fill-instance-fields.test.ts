import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { fillInstanceFields, keptFieldsNote, type InstanceVars } from '../../../src/worker/loading/arguments/instance-vars';

describe('instance fields set on the instance before a method builder runs', () => {
  const cases: [string, Record<string, unknown>, InstanceVars, Record<string, unknown>][] = [
    ['an empty field gets the proposal', { numClasses: null }, { values: { numClasses: 10 }, source: 'proposed' }, { numClasses: 10 }],
    ['a size still 0 gets the proposal', { featureCount: 0 }, { values: { featureCount: 12 }, source: 'proposed' }, { featureCount: 12 }],
    ['a proposal never writes over what the constructor set', { inputShape: [224, 224, 3] }, { values: { inputShape: [32, 32, 3] }, source: 'proposed' }, { inputShape: [224, 224, 3] }],
    // The CLI passes its proposal with what the flag gave on top: only the typed names replace what a (base class's) constructor set.
    ['a proposal passed with a typed field writes only the typed one', { inputShape: [224, 224, 3], numClasses: 5 }, { values: { inputShape: [32, 32, 3], numClasses: 3 }, source: 'given with --instance-vars; the rest: …', typed: ['numClasses'] }, { inputShape: [224, 224, 3], numClasses: 3 }],
    ['a given shape writes over what the constructor set', { inputShape: [224, 224, 3] }, { values: { inputShape: [112, 112, 3] }, source: 'given', typed: ['inputShape'] }, { inputShape: [112, 112, 3] }],
    ['a given size writes over what the constructor set', { imageSize: 224 }, { values: { imageSize: 112 }, source: 'entered in the instance-fields box', typed: ['imageSize'] }, { imageSize: 112 }],
    ['a given object never replaces the options object the constructor kept', { config: { units: 64 } }, { values: { config: { units: 16 } }, source: 'given', typed: ['config'] }, { config: { units: 64 } }],
  ];
  for (const [what, instance, vars, expected] of cases) {
    it(what, () => {
      const before = structuredClone(instance);
      const { set } = fillInstanceFields(instance, vars, tf);
      assert.deepEqual(set, Object.keys(expected).filter((name) => JSON.stringify(expected[name]) !== JSON.stringify(before[name])));
      assert.deepEqual(instance, expected);
    });
  }

  it('says which proposed fields kept the constructor\'s value', () => {
    assert.equal(keptFieldsNote([]), undefined);
    assert.equal(keptFieldsNote(['inputShape']), 'this.inputShape: kept as the constructor set it (the value proposed for it went unused)');
    assert.equal(keptFieldsNote(['inputShape', 'numClasses']), 'this.inputShape, this.numClasses: kept as the constructor set them (the values proposed for them went unused)');
  });
});
