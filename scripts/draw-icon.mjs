// Draws media/icon.png (128x128): a normal curve (the normalisation) over a smoothed running line (the
// running statistics), in TensorFlow orange on a dark tile. Plain Node (zlib), no image library, 4x4
// supersampling for anti-aliasing. Run: node scripts/draw-icon.mjs
import fs from 'node:fs';
import zlib from 'node:zlib';

const SIZE = 128;
const SS = 4;

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);
const BG_TOP = [38, 50, 72];
const BG_BOTTOM = [20, 26, 40];
const ORANGE = [255, 143, 0];
const ORANGE_DARK = [230, 96, 0];
const CYAN = [94, 214, 255];

function insideRoundedRect(x, y, r) {
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const gaussTop = (x) => 100 - 70 * Math.exp(-(((x - 64) / 19) ** 2) / 2);
// A noisy batch statistic and its exponential moving average (what RunningBatchNorm normalises with).
const noisy = (x) => 84 + 9 * Math.sin(x / 4.1) + 6 * Math.sin(x / 1.7 + 1);
const ema = (x) => 84 + 4 * Math.sin(x / 9 + 0.6);

function distanceToCurve(x, y, f) {
  let best = Infinity;
  for (let t = x - 6; t <= x + 6; t += 0.25) {
    best = Math.min(best, Math.hypot(t - x, f(t) - y));
  }
  return best;
}

/** The colour of one sample point, or null outside the tile. */
function sample(x, y) {
  if (!insideRoundedRect(x, y, 22)) {
    return null;
  }
  let c = mix(BG_TOP, BG_BOTTOM, y / SIZE);
  if (x > 18 && x < 110 && y >= gaussTop(x) && y <= 100) {
    c = mix(ORANGE, ORANGE_DARK, (y - 30) / 70);
  }
  if (Math.abs(y - 101.5) < 1.5 && x > 14 && x < 114) {
    c = [200, 210, 225];
  }
  if (x > 14 && x < 114 && distanceToCurve(x, y, noisy) < 1.1) {
    c = mix(c, [255, 255, 255], 0.45);
  }
  if (x > 14 && x < 114 && distanceToCurve(x, y, ema) < 2.6) {
    c = CYAN;
  }
  return c;
}

function render() {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const c = sample(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
          if (c) {
            acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 1;
          }
        }
      }
      const o = (py * SIZE + px) * 4;
      if (acc[3] > 0) {
        rgba[o] = Math.round(acc[0] / acc[3]);
        rgba[o + 1] = Math.round(acc[1] / acc[3]);
        rgba[o + 2] = Math.round(acc[2] / acc[3]);
      }
      rgba[o + 3] = Math.round((255 * acc[3]) / (SS * SS));
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) {
    c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function encodePng(rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    rgba.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

fs.writeFileSync('media/icon.png', encodePng(render()));
console.log('wrote media/icon.png');
