/**
 * The GPU code path: the layer's forward and gradients on tfjs's webgl backend in headless Chromium
 * (WebGL in software through SwiftShader), compared with the cpu backend in the same page.
 * Without Chromium the suite is skipped locally and fails when CI=true.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertClose } from './backends';
import { LAYER_CASES } from './layer-cases';
import type { PageResult } from './webgl-page';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage'];

const CASES = LAYER_CASES;

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
