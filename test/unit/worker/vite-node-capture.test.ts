import { strict as assert } from 'node:assert';
import * as vm from 'node:vm';
import type * as tfjs from '@tensorflow/tfjs';
import { captureRuntime } from '../../../src/worker/capture/session/capture-runtime';
import type { RegistryLoad } from '../../../src/worker/capture/hook/jest-runtime';
import { tfjsPackageOfEntry, viteNodeParameters, watchViteNodeModules } from '../../../src/worker/capture/hook/vite-node-modules';

/** The function vite-node 1–2 builds around a module it evaluates itself (its parameters are the context's keys). */
const PARAMETERS = '__vite_ssr_import__,__vite_ssr_dynamic_import__,__vite_ssr_exports__,__vite_ssr_exportAll__,__vite_ssr_import_meta__,require,exports,module,__filename,__dirname';
const wrapper = (body: string) => `'use strict';async (${PARAMETERS})=>{{${body}\n}}`;

describe('capture when Vitest (vite-node) evaluates tfjs itself', () => {
  const rows: { code: unknown; expected: ReturnType<typeof viteNodeParameters> }[] = [
    { code: wrapper('1'), expected: { exportsAt: 2, fileAt: 8 } },
    { code: "'use strict';async (__vite_ssr_exports__,__filename)=>{{}}", expected: { exportsAt: 0, fileAt: 1 } },
    { code: "'use strict';async (a,b)=>{{}}", expected: undefined },
    { code: '(function (exports, require, module, __filename) {})', expected: undefined },
    { code: 42, expected: undefined },
  ];
  for (const row of rows) {
    it(`the wrapper's parameters: ${String(row.code).slice(0, 50)}`, () => {
      assert.deepEqual(viteNodeParameters(row.code), row.expected);
    });
  }

  const entries: [string, string | undefined][] = [
    ['/p/node_modules/@tensorflow/tfjs-layers/dist/index.js', '@tensorflow/tfjs-layers'],
    ['/p/node_modules/@tensorflow/tfjs/dist/index.js', '@tensorflow/tfjs'],
    ['C:\\p\\node_modules\\@tensorflow\\tfjs-core\\dist\\index.js', '@tensorflow/tfjs-core'],
    ['/p/node_modules/@tensorflow/tfjs-core/dist/ops/add.js', undefined],
    ['/p/src/index.js', undefined],
  ];
  for (const [file, name] of entries) {
    it(`the tfjs package of ${file}: ${String(name)}`, () => {
      assert.equal(tfjsPackageOfEntry(file), name);
    });
  }

  it('a tfjs-layers evaluated through the wrapper is handed on once, with its umbrella and the packages evaluated beside it', async () => {
    const loads: RegistryLoad[] = [];
    const isLayers = (v: unknown): v is Record<string, unknown> => typeof (v as { LayersModel?: unknown } | null)?.LayersModel === 'function' && typeof (v as { sequential?: unknown }).sequential === 'function';
    watchViteNodeModules(isLayers, (load) => loads.push(load));
    const evaluate = async (file: string, body: string, exports: Record<string, unknown>) => {
      const fn = vm.runInThisContext(wrapper(body), { filename: file }) as (...a: unknown[]) => Promise<unknown>;
      await fn(undefined, undefined, exports, undefined, {}, undefined, {}, {}, file, '/p');
      return exports;
    };
    const core = await evaluate('/p/node_modules/@tensorflow/tfjs-core/dist/index.js', '__vite_ssr_exports__.tensor = () => 1;', {});
    const layers = await evaluate('/p/node_modules/@tensorflow/tfjs-layers/dist/index.js', '__vite_ssr_exports__.LayersModel = class LayersModel {}; __vite_ssr_exports__.sequential = () => 2;', {});
    assert.equal(loads.length, 1);
    assert.equal(loads[0].exports, layers);
    assert.equal(loads[0].file, '/p/node_modules/@tensorflow/tfjs-layers/dist/index.js');
    // The umbrella is evaluated after the layers it imports: asked for later, it is the one found.
    const umbrella = await evaluate('/p/node_modules/@tensorflow/tfjs/dist/index.js', '', { ...layers, ...core });
    assert.equal(loads[0].tf(), umbrella);
    assert.deepEqual([...loads[0].modules(['@tensorflow/tfjs-core', '@tensorflow/tfjs-data']).keys()], ['@tensorflow/tfjs-core']);
    // The same exports evaluated again, and code of another shape, hand nothing on.
    await evaluate('/p/node_modules/@tensorflow/tfjs-layers/dist/index.js', '', layers);
    assert.equal(vm.runInThisContext('1 + 1'), 2);
    assert.equal(loads.length, 1);
  });

  it("a wasm backend that fails to start in the program's tfjs leaves the program's own backend active, and says why", async () => {
    const calls: string[] = [];
    let backend = 'cpu';
    const registry: Record<string, unknown> = { cpu: {} };
    const fake = {
      version_core: '4.22.0',
      ready: async () => undefined,
      getBackend: () => backend,
      setBackend: async (name: string) => {
        calls.push(`setBackend ${name}`);
        backend = name;
        return name !== 'wasm';
      },
      engine: () => ({ registry }),
      env: () => ({ set: () => undefined, get: () => undefined, getBool: () => false }),
      backend: () => ({}),
    } as unknown as typeof tfjs;
    const runtime = await captureRuntime(fake, '/p/node_modules/@tensorflow/tfjs-layers/dist/index.js', 'auto', '/nowhere');
    assert.equal(runtime.backend, 'cpu');
    assert.deepEqual(calls, ['setBackend wasm', 'setBackend cpu']);
    assert.match(runtime.skipped.find((s) => s.name === 'wasm')?.reason ?? '', /did not start in the program's tfjs/);
  });
});
