/**
 * The GPU code path: the layer's forward and gradients on tfjs's webgl backend in headless Chromium
 * (WebGL in software through SwiftShader), compared with the cpu backend in the same page.
 * Without Chromium the suite is skipped locally and fails when CI=true.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { assertClose } from './backends';
import { openTestPage } from './chromium-page';
import { LAYER_CASES } from './layer-cases';
import type { PageResult } from './webgl-page';

const CHROMIUM_ARGS = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage'];

const CASES = LAYER_CASES;

describe('RunningBatchNorm on webgl (headless Chromium) vs cpu', function () {
  this.timeout(180000);
  let browser: import('playwright-core').Browser | undefined;
  let page: import('playwright-core').Page;

  before(async function () {
    ({ browser, page } = await openTestPage(this, path.join(__dirname, 'webgl-page.ts'), CHROMIUM_ARGS, 'webgl'));
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
