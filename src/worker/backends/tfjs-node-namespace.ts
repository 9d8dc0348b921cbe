/**
 * tfjs-node's `tf.node` namespace for a program whose tfjs-node is served by plain tfjs (not installed,
 * or installed without its native binding): Node training scripts read their images with
 * `tf.node.decodeImage(fs.readFileSync(…))` and write previews with `tf.node.encodeJpeg`, which plain
 * tfjs has not, so they failed before they trained. JPEG and PNG are decoded and encoded in JavaScript
 * (jpeg-js, pngjs), with tfjs-node's shapes and dtypes; TensorBoard logging is inert (nothing to show it
 * in a sanity check); anything else says what it needs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type * as JpegJs from 'jpeg-js';
import type * as PngJs from 'pngjs';

// Loaded on first use: the capture hook preloads this module into every program it captures.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jpegJs = (): typeof JpegJs => require('jpeg-js') as typeof JpegJs;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pngJs = (): typeof PngJs.PNG => (require('pngjs') as typeof PngJs).PNG;

type Tf = typeof tfjs;

/** tfjs plus a `node` namespace of its own: the module a program gets for tfjs-node. */
export function withNodeNamespace(tf: Tf): Tf {
  if ((tf as unknown as { node?: unknown }).node !== undefined) {
    return tf;
  }
  // Getters, as tfjs's own re-exports are: a wrapper put on a tfjs-layers export later (models-used.ts) is seen here too.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(tf)) {
    Object.defineProperty(out, key, { get: () => (tf as unknown as Record<string, unknown>)[key], enumerable: true });
  }
  Object.defineProperty(out, '__esModule', { value: true });
  out.node = nodeNamespace(tf);
  return out as unknown as Tf;
}

function nodeNamespace(tf: Tf): Record<string, unknown> {
  return {
    decodeImage: (contents: Uint8Array, channels = 0) => decodeImage(tf, contents, channels),
    decodeJpeg: (contents: Uint8Array, channels = 0) => decodeJpeg(tf, contents, channels),
    decodePng: (contents: Uint8Array, channels = 0) => decodePng(tf, contents, channels),
    decodeBmp: () => unsupported('decodeBmp', 'BMP'),
    decodeGif: () => unsupported('decodeGif', 'GIF'),
    encodeJpeg: async (image: tfjs.Tensor3D, _format = '', quality = 95) => encodeJpeg(image, quality),
    encodePng: async (image: tfjs.Tensor3D) => encodePng(image),
    tensorBoard: () => new tf.CustomCallback({}),
    summaryFileWriter: () => ({ scalar: () => undefined, histogram: () => undefined, flush: () => undefined }),
  };
}

/** The image format from its first bytes, as tfjs-node's decodeImage reads it. */
function decodeImage(tf: Tf, contents: Uint8Array, channels: number): tfjs.Tensor3D {
  if (contents[0] === 0xff && contents[1] === 0xd8) {
    return decodeJpeg(tf, contents, channels);
  }
  if (contents[0] === 0x89 && contents[1] === 0x50 && contents[2] === 0x4e && contents[3] === 0x47) {
    return decodePng(tf, contents, channels);
  }
  if (contents[0] === 0x42 && contents[1] === 0x4d) {
    return unsupported('decodeImage', 'BMP');
  }
  if (contents[0] === 0x47 && contents[1] === 0x49 && contents[2] === 0x46) {
    return unsupported('decodeImage', 'GIF');
  }
  throw new Error('tf.node.decodeImage: expected image (JPEG, PNG, GIF or BMP), but got an unknown format');
}

function decodeJpeg(tf: Tf, contents: Uint8Array, channels: number): tfjs.Tensor3D {
  const { width, height, data } = jpegJs().decode(contents, { useTArray: true, formatAsRGBA: true });
  // A JPEG has no alpha: 0 keeps its own channels, which for colour images are 3.
  return fromRgba(tf, data, width, height, channels === 0 ? 3 : channels);
}

function decodePng(tf: Tf, contents: Uint8Array, channels: number): tfjs.Tensor3D {
  const png = pngJs().sync.read(Buffer.from(contents));
  // pngjs always gives RGBA; 0 keeps the file's own channel count.
  const own = png.colorType === 0 ? 1 : png.colorType === 4 ? 2 : png.colorType === 2 ? 3 : 4;
  return fromRgba(tf, png.data, png.width, png.height, channels === 0 ? own : channels);
}

/** An int32 [height, width, channels] tensor from RGBA bytes, as tfjs-node decodes: 1 is grey, 2 grey and alpha. */
function fromRgba(tf: Tf, rgba: Uint8Array, width: number, height: number, channels: number): tfjs.Tensor3D {
  const out = new Int32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    const [r, g, b, a] = [rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]];
    const grey = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    const pixel = channels === 1 ? [grey] : channels === 2 ? [grey, a] : channels === 3 ? [r, g, b] : [r, g, b, a];
    out.set(pixel, p * channels);
  }
  return tf.tensor3d(out, [height, width, channels], 'int32');
}

async function encodeJpeg(image: tfjs.Tensor3D, quality: number): Promise<Uint8Array> {
  const { width, height, rgba } = await toRgba(image);
  return new Uint8Array(jpegJs().encode({ width, height, data: rgba }, quality).data);
}

async function encodePng(image: tfjs.Tensor3D): Promise<Uint8Array> {
  const { width, height, rgba } = await toRgba(image);
  const PNG = pngJs();
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

/** The image's pixels as RGBA bytes (values clipped to 0–255, as tfjs-node casts them). */
async function toRgba(image: tfjs.Tensor3D): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const [height, width, channels] = image.shape;
  const values = await image.data();
  const rgba = new Uint8Array(width * height * 4);
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let p = 0; p < width * height; p++) {
    const at = p * channels;
    const [r, g, b] = channels >= 3 ? [values[at], values[at + 1], values[at + 2]] : [values[at], values[at], values[at]];
    const a = channels === 4 ? values[at + 3] : channels === 2 ? values[at + 1] : 255;
    rgba.set([byte(r), byte(g), byte(b), byte(a)], p * 4);
  }
  return { width, height, rgba };
}

function unsupported(fn: string, format: string): never {
  throw new Error(`tf.node.${fn}: ${format} images need @tensorflow/tfjs-node's native binding, which is not installed here (sanity-train decodes JPEG and PNG without it)`);
}
