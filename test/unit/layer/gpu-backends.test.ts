/**
 * The GPU code paths beyond webgl.test.ts: the layer's forward and gradients and a small conv +
 * RunningBatchNorm model's training steps on tfjs's webgpu backend (SwiftShader's Vulkan in headless
 * Chromium) and webgl (SwiftShader's GL), each compared with the cpu backend in the same page.
 * webgpu needs a secure context, so the page is served from http://localhost through a route.
 * Without Chromium the suite is skipped locally and fails when CI=true; when Chromium offers no
 * WebGPU adapter the webgpu tests are skipped with the reason printed.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { assertClose } from './backends';
import { CHROMIUM, openTestPage } from './chromium-page';
import type { StepResult, StepSpec } from './gpu-page';
import { LAYER_CASES } from './layer-cases';
import * as ref from './reference';
import type { PageResult } from './webgl-page';

/** SwiftShader for both APIs: GL through ANGLE for webgl, Vulkan through Dawn for webgpu (tried with Debian's Chromium 156). */
const CHROMIUM_ARGS = [
  '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage',
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
];

/** Seeded weights and a batch for the training-step model. */
function stepSpec(shapes: number[][]): StepSpec {
  const rand = ref.seededRandom(11);
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const weights = shapes.map((s) => ref.randomValues(size(s), rand, 0, 0.5));
  return { weights, x: ref.randomValues(4 * 6 * 6 * 2, rand, 0, 1), labels: [0, 1, 2, 1], steps: 3 };
}

describe('RunningBatchNorm and a training step on webgpu and webgl (headless Chromium) vs cpu', function () {
  this.timeout(240000);
  let browser: import('playwright-core').Browser | undefined;
  let page: import('playwright-core').Page;
  let webgpuProblem: string | undefined;

  before(async function () {
    ({ browser, page } = await openTestPage(this, path.join(__dirname, 'gpu-page.ts'), CHROMIUM_ARGS, 'GPU'));
    const info = await page.evaluate(() => window.webgpuInfo());
    webgpuProblem = info.backend === 'webgpu' ? undefined : `webgpu did not start in ${CHROMIUM} (${info.adapter}) with ${CHROMIUM_ARGS.join(' ')}`;
  });

  after(async () => {
    await browser?.close();
  });

  for (const backend of ['webgpu', 'webgl'] as const) {
    const skipWithoutWebgpu = (context: Mocha.Context) => {
      if (backend === 'webgpu' && webgpuProblem) {
        console.warn(`      skipped: ${webgpuProblem}`);
        context.skip();
      }
    };

    it(`${backend}: the layer matches cpu in outputs, inference, state and gradients`, async function () {
      skipWithoutWebgpu(this);
      const cases = LAYER_CASES.map((c) => c.case);
      const gpu = await page.evaluate(([b, cs]) => window.runLayerCases(b, cs), [backend, cases] as const) as PageResult[];
      const cpu = await page.evaluate((cs) => window.runLayerCases('cpu', cs), cases) as PageResult[];
      LAYER_CASES.forEach(({ name }, i) => {
        assert.equal(gpu[i].backend, backend, name);
        gpu[i].outputs.forEach((o, s) => assertClose(o, cpu[i].outputs[s], 1e-3, 1e-3, `${backend} ${name}: training output ${s}`));
        assertClose(gpu[i].inference, cpu[i].inference, 1e-3, 1e-3, `${backend} ${name}: inference`);
        gpu[i].state.forEach((w, k) => assertClose(w, cpu[i].state[k], 1e-3, 1e-4, `${backend} ${name}: weight ${k}`));
        gpu[i].grads.forEach((g, k) => assertClose(g, cpu[i].grads[k], 2e-3, 2e-3, `${backend} ${name}: gradient ${k}`));
      });
    });

    it(`${backend}: three training steps of a conv + RunningBatchNorm model match cpu (losses and every weight)`, async function () {
      skipWithoutWebgpu(this);
      const spec = stepSpec(await page.evaluate(() => window.weightShapes()));
      const gpu = await page.evaluate(([b, s]) => window.runTrainingSteps(b, s), [backend, spec] as const) as StepResult;
      const cpu = await page.evaluate((s) => window.runTrainingSteps('cpu', s), spec) as StepResult;
      assert.equal(gpu.backend, backend);
      assertClose(gpu.losses, cpu.losses, 1e-3, 1e-4, `${backend}: losses`);
      assert.ok(cpu.losses[2] < cpu.losses[0], `the steps train: ${cpu.losses.join(', ')}`);
      gpu.weights.forEach((w, k) => assertClose(w, cpu.weights[k], 2e-3, 1e-3, `${backend}: weight ${k} after the steps`));
    });
  }
});
