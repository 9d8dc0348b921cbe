/**
 * Float64 reference implementations of the convolution gradients (NHWC, straight from their
 * definitions, dilations included) that the wasm kernels are checked against.
 */
export interface Geometry {
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/** Calls `visit(b, oh, ow, kh, kw, h, w)` for every tap of the convolution that reads inside the input. */
function forEachTap(
  xShape: number[], kh: number, kw: number, g: Geometry,
  visit: (b: number, oh: number, ow: number, i: number, j: number, h: number, w: number) => void,
): void {
  const [batch, height, width] = xShape;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        for (let i = 0; i < kh; i++) {
          const h = oh * g.strideHeight + i * g.dilationHeight - g.padTop;
          for (let j = 0; j < kw; j++) {
            const w = ow * g.strideWidth + j * g.dilationWidth - g.padLeft;
            if (h >= 0 && h < height && w >= 0 && w < width) {
              visit(b, oh, ow, i, j, h, w);
            }
          }
        }
      }
    }
  }
}

/** Channel `outChannel` of a (depthwise with multiplier m, or full) convolution reads input channel … */
type ChannelPairs = (visit: (ci: number, co: number, filterIndex: (i: number, j: number) => number) => void) => void;

function fullPairs(ci: number, co: number, kw: number): ChannelPairs {
  return (visit) => {
    for (let c = 0; c < ci; c++) {
      for (let o = 0; o < co; o++) {
        visit(c, o, (i, j) => ((i * kw + j) * ci + c) * co + o);
      }
    }
  };
}

function depthwisePairs(c: number, m: number, kw: number): ChannelPairs {
  return (visit) => {
    for (let ch = 0; ch < c; ch++) {
      for (let q = 0; q < m; q++) {
        visit(ch, ch * m + q, (i, j) => ((i * kw + j) * c + ch) * m + q);
      }
    }
  };
}

export function convFilterGradient(
  x: Float64Array, xShape: number[], dy: Float64Array, filterShape: number[], g: Geometry, depthwise: boolean,
): Float64Array {
  const [kh, kw, ci, fourth] = filterShape;
  const co = depthwise ? ci * fourth : fourth;
  const pairs = depthwise ? depthwisePairs(ci, fourth, kw) : fullPairs(ci, fourth, kw);
  const [, height, width] = xShape;
  const dW = new Float64Array(kh * kw * ci * fourth);
  forEachTap(xShape, kh, kw, g, (b, oh, ow, i, j, h, w) => {
    const xBase = ((b * height + h) * width + w) * ci;
    const dyBase = ((b * g.outHeight + oh) * g.outWidth + ow) * co;
    pairs((c, o, filterIndex) => {
      dW[filterIndex(i, j)] += x[xBase + c] * dy[dyBase + o];
    });
  });
  return dW;
}

export function convInputGradient(
  dy: Float64Array, filter: Float64Array, filterShape: number[], xShape: number[], g: Geometry, depthwise: boolean,
): Float64Array {
  const [kh, kw, ci, fourth] = filterShape;
  const co = depthwise ? ci * fourth : fourth;
  const pairs = depthwise ? depthwisePairs(ci, fourth, kw) : fullPairs(ci, fourth, kw);
  const [, height, width] = xShape;
  const dx = new Float64Array(xShape.reduce((a, b) => a * b, 1));
  forEachTap(xShape, kh, kw, g, (b, oh, ow, i, j, h, w) => {
    const xBase = ((b * height + h) * width + w) * ci;
    const dyBase = ((b * g.outHeight + oh) * g.outWidth + ow) * co;
    pairs((c, o, filterIndex) => {
      dx[xBase + c] += filter[filterIndex(i, j)] * dy[dyBase + o];
    });
  });
  return dx;
}

export function unsortedSegmentSumReference(x: Float64Array, rowSize: number, ids: Int32Array, numSegments: number): Float64Array {
  const out = new Float64Array(numSegments * rowSize);
  ids.forEach((id, row) => {
    if (id >= 0 && id < numSegments) {
      for (let k = 0; k < rowSize; k++) {
        out[id * rowSize + k] += x[row * rowSize + k];
      }
    }
  });
  return out;
}

/** MaxPoolGrad from its definition: each window's first maximum (row-major) receives the window's dy. */
export function maxPoolGradReference(x: Float64Array, xShape: number[], dy: Float64Array, kh: number, kw: number, g: Geometry): Float64Array {
  const [batch, height, width, c] = xShape;
  const dx = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < g.outHeight; oh++) {
      for (let ow = 0; ow < g.outWidth; ow++) {
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let bestIndex = -1;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const h = oh * g.strideHeight + i - g.padTop;
              const w = ow * g.strideWidth + j - g.padLeft;
              const index = ((b * height + h) * width + w) * c + ch;
              if (h >= 0 && h < height && w >= 0 && w < width && x[index] > best) {
                best = x[index];
                bestIndex = index;
              }
            }
          }
          dx[bestIndex] += dy[((b * g.outHeight + oh) * g.outWidth + ow) * c + ch];
        }
      }
    }
  }
  return dx;
}

/** y = act(bias + x ⊛ filter) of a full convolution ([kh, kw, ci, co] filter); `relu` applies max(·, 0). */
export function convForward(
  x: Float64Array, xShape: number[], filter: Float64Array, filterShape: number[], bias: Float64Array | undefined, g: Geometry, relu: boolean,
): Float64Array {
  const [kh, kw, ci, co] = filterShape;
  const [batch, height, width] = xShape;
  const y = new Float64Array(batch * g.outHeight * g.outWidth * co);
  forEachTap(xShape, kh, kw, g, (b, oh, ow, i, j, h, w) => {
    const xBase = ((b * height + h) * width + w) * ci;
    const yBase = ((b * g.outHeight + oh) * g.outWidth + ow) * co;
    for (let c = 0; c < ci; c++) {
      for (let o = 0; o < co; o++) {
        y[yBase + o] += x[xBase + c] * filter[((i * kw + j) * ci + c) * co + o];
      }
    }
  });
  for (let p = 0; p < y.length; p++) {
    const sum = y[p] + (bias === undefined ? 0 : bias[p % co]);
    y[p] = relu ? Math.max(0, sum) : sum;
  }
  return y;
}
