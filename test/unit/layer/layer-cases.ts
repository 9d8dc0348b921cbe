/** The layer cases the GPU tests (webgl.test.ts, gpu-backends.test.ts) run on a GPU backend and on cpu. */
import { RunningBatchNormArgs } from '../../../src/layer/running-batch-norm';
import * as ref from './reference';
import type { PageCase } from './webgl-page';

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

export const LAYER_CASES: Array<{ name: string; case: PageCase }> = [
  { name: 'rank 2', case: makeCase([6], -1, {}, [4, 1, 3], 1) },
  { name: 'rank 4 (conv2d)', case: makeCase([3, 3, 5], -1, {}, [2, 8, 5, 3], 2) },
  { name: 'rank 5 (conv3d)', case: makeCase([2, 3, 2, 3], -1, {}, [2, 5, 3], 3) },
  { name: 'rank 4, channels first', case: makeCase([3, 4, 2], 1, {}, [2, 8, 4, 3], 4) },
  { name: 'statsInterval 2 (a reuse step)', case: makeCase([4], -1, { statsInterval: 2, warmupSamples: 2 }, [2, 2, 2, 2, 2], 5) },
  { name: 'center and scale off', case: makeCase([2, 2, 3], -1, { center: false, scale: false }, [3, 2], 6) },
];
