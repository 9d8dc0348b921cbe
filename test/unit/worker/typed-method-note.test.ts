import { strict as assert } from 'node:assert';
import { typedMethodNote } from '../../../src/worker/loading/arguments/invocation-notes';

describe('what a typed value lacks, said after "X is not a function"', () => {
  const table: [string, Error, boolean, string | undefined][] = [
    ['a method of a typed object', new TypeError('this.data.source.getXSize is not a function'), true, 'typed values hold no methods: type getXSize() as `getXSize: () => value` (e.g. { getXSize: () => 24 })'],
    ['a list method on a typed object member', new TypeError('hiddenUnits.forEach is not a function'), true, 'hiddenUnits is used as a list (forEach()): type it as an array (e.g. [64, 32])'],
    ['a list method on a bare name', new TypeError('sizes.map is not a function'), true, 'sizes is used as a list (map()): type it as an array (e.g. [64, 32])'],
    ['nothing was typed: no advice on typing', new TypeError('hiddenUnits.forEach is not a function'), false, undefined],
    ['another error', new RangeError('Invalid array length'), true, undefined],
    ['a layer tfjs lacks, through any name of tfjs: no advice on typing', new TypeError('tfjsBackend.layers.relu is not a function'), true, undefined],
    ['an op tfjs lacks: no advice on typing', new TypeError('tf.image.rgbToGrayscale is not a function'), true, undefined],
  ];
  for (const [title, err, typed, expected] of table) {
    it(title, () => assert.equal(typedMethodNote(err, typed), expected));
  }
});
