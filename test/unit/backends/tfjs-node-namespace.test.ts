import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs';
import { withNodeNamespace } from '../../../src/worker/backends/tfjs-node-namespace';

interface NodeImages {
  decodeImage(contents: Uint8Array, channels?: number): tf.Tensor3D;
  decodeJpeg(contents: Uint8Array, channels?: number): tf.Tensor3D;
  decodePng(contents: Uint8Array, channels?: number): tf.Tensor3D;
  encodeJpeg(image: tf.Tensor3D, format?: string, quality?: number): Promise<Uint8Array>;
  encodePng(image: tf.Tensor3D): Promise<Uint8Array>;
  tensorBoard(dir: string): unknown;
}

const node = (withNodeNamespace(tf) as unknown as { node: NodeImages }).node;

/** A 3×2 RGB image: red, green, blue / white, black, grey. */
const PIXELS = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128];
const image = () => tf.tensor3d(PIXELS, [2, 3, 3], 'int32');

describe("tfjs-node's tf.node image functions on plain tfjs (tfjs-node-namespace.ts)", () => {
  it('keeps a tfjs that has its own node namespace as it is, and adds one to plain tfjs', () => {
    const withOwn = { ...tf, node: { own: true } } as unknown as typeof tf;
    assert.equal(withNodeNamespace(withOwn), withOwn);
    assert.equal(typeof node.decodeImage, 'function');
    assert.equal((withNodeNamespace(tf) as unknown as typeof tf).sequential, tf.sequential);
  });

  it('PNG: encodes and decodes back exactly, as int32 [height, width, channels]', async () => {
    const png = await node.encodePng(image());
    assert.deepEqual([...png.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    const decoded = node.decodeImage(png);
    assert.equal(decoded.dtype, 'int32');
    assert.deepEqual(decoded.shape, [2, 3, 4]);
    assert.deepEqual(Array.from(await node.decodePng(png, 3).data()), PIXELS);
  });

  it('JPEG: decodes what it encodes to the same shape, within the loss of the format', async () => {
    const jpg = await node.encodeJpeg(image(), 'rgb', 100);
    assert.deepEqual([...jpg.slice(0, 2)], [0xff, 0xd8]);
    const decoded = node.decodeImage(jpg);
    assert.deepEqual(decoded.shape, [2, 3, 3]);
    const back = Array.from(await decoded.data());
    assert.ok(back.every((v, i) => Math.abs(v - PIXELS[i]) <= 80), JSON.stringify(back));
  });

  const channels: [number, number[]][] = [
    [1, [76, 150, 29]],
    [3, [255, 0, 0, 0, 255, 0, 0, 0, 255]],
  ];
  for (const [count, firstRow] of channels) {
    it(`decodes to ${count} channel${count === 1 ? '' : 's'} when asked (grey by luma)`, async () => {
      const decoded = node.decodePng(await node.encodePng(image()), count);
      assert.deepEqual(decoded.shape, [2, 3, count]);
      assert.deepEqual(Array.from(await decoded.slice([0, 0, 0], [1, 3, count]).data()), firstRow);
    });
  }

  it('says what it needs for the formats it does not decode, and for bytes that are no image', () => {
    assert.throws(() => node.decodeImage(new Uint8Array([0x42, 0x4d, 0, 0])), /tf\.node\.decodeImage: BMP images need @tensorflow\/tfjs-node's native binding/);
    assert.throws(() => node.decodeImage(new Uint8Array([1, 2, 3, 4])), /unknown format/);
  });

  it('tensorBoard() gives a callback fit() accepts, which logs nothing', () => {
    assert.ok(node.tensorBoard('/tmp/logs') instanceof tf.CustomCallback);
  });
});
