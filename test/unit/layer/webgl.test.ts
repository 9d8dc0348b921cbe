/**
 * The GPU code path: the layer's forward and gradients on tfjs's webgl backend in headless Chromium
 * (WebGL in software through SwiftShader), compared with the cpu backend in the same page.
 * Without Chromium the suite is skipped locally and fails when CI=true.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunningBatchNormArgs } from '../../../src/layer/running-batch-norm';
import { assertClose } from './backends';
import * as ref from './reference';
import type { PageCase, PageResult } from './webgl-page';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage'];

function makeCase(shapeTail: number[], axis: number, args: RunningBatchNormArgs, batchSizes: number[], seed: number): PageCase {
  const rand = ref.seededRandom(seed);
  const shapes = batchSizes.map((bs) => [bs, ...shapeTail]);
  const channels = shapeTail[(axis < 0 ? axis + shapeTail.length + 1 : axis) - 1];
  const size = (s: number[]): number => s.reduce((p, d) => p * d, 1);
  return {
    args: { axis, ...args },
    shapes,
    inputs: shapes.map((s) => ref.randomValues(size(s), rand, 1, 2)),
    gamma: args.scale === false ? undefined : ref.randomValues(channels, rand, 1, 0.5),
    beta: args.center === false ? undefined : ref.randomValues(channels, rand, 0, 0.5),
    dy: ref.randomValues(size(shapes[shapes.length - 1]), rand),
  };
}

const CASES: Array<{ name: string; case: PageCase }> = [
  { name: 'rank 2', case: makeCase([6], -1, {}, [4, 1, 3], 1) },
  { name: 'rank 4 (conv2d)', case: makeCase([3, 3, 5], -1, {}, [2, 8, 5, 3], 2) },
  { name: 'rank 5 (conv3d)', case: makeCase([2, 3, 2, 3], -1, {}, [2, 5, 3], 3) },
  { name: 'rank 4, channels first', case: makeCase([3, 4, 2], 1, {}, [2, 8, 4, 3], 4) },
  { name: 'statsInterval 2 (a reuse step)', case: makeCase([4], -1, { statsInterval: 2, warmupSamples: 2 }, [2, 2, 2, 2, 2], 5) },
  { name: 'center and scale off', case: makeCase([2, 2, 3], -1, { center: false, scale: false }, [3, 2], 6) },
];

async function bundlePage(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'webgl-page.ts')], bundle: true, format: 'iife', platform: 'browser', write: false, logLevel: 'error', target: 'chrome120',
  });
  return result.outputFiles[0].text;
}

describe('RunningBatchNorm on webgl (headless Chromium) vs cpu', function () {
  this.timeout(180000);
  let browser: import('playwright-core').Browser | undefined;
  let page: import('playwright-core').Page;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') {
        throw new Error(`Chromium not found at ${CHROMIUM}: the webgl tests must run in CI (apt-get install chromium, or set CHROMIUM_PATH)`);
      }
      console.warn(`      skipped: Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH; these tests fail instead when CI=true)`);
      this.skip();
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent('<!doctype html><html><body></body></html>');
    await page.addScriptTag({ content: await bundlePage() });
    assert.deepEqual(errors, []);
  });

  after(async () => {
    await browser?.close();
  });

  it('really runs on WebGL with float32 textures', async () => {
    const info = await page.evaluate(() => window.webglInfo());
    assert.equal(info.backend, 'webgl');
    assert.ok(info.version >= 1, `WEBGL_VERSION ${info.version}`);
    assert.ok(info.float32, 'float32 render targets');
  });

  it('matches cpu in outputs, inference, state and gradients for x, gamma, beta', async () => {
    const cases = CASES.map((c) => c.case);
    const webgl = await page.evaluate((cs) => window.runLayerCases('webgl', cs), cases) as PageResult[];
    const cpu = await page.evaluate((cs) => window.runLayerCases('cpu', cs), cases) as PageResult[];
    CASES.forEach(({ name }, i) => {
      assert.equal(webgl[i].backend, 'webgl', name);
      assert.equal(cpu[i].backend, 'cpu', name);
      webgl[i].outputs.forEach((o, s) => assertClose(o, cpu[i].outputs[s], 1e-3, 1e-3, `${name}: training output ${s}`));
      assertClose(webgl[i].inference, cpu[i].inference, 1e-3, 1e-3, `${name}: inference`);
      webgl[i].state.forEach((w, k) => assertClose(w, cpu[i].state[k], 1e-3, 1e-4, `${name}: weight ${k}`));
      assert.equal(webgl[i].grads.length, cpu[i].grads.length, `${name}: gradient count`);
      webgl[i].grads.forEach((g, k) => assertClose(g, cpu[i].grads[k], 2e-3, 2e-3, `${name}: gradient ${k}`));
    });
  });
});
