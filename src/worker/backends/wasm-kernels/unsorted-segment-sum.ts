import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs';
import { util } from '@tensorflow/tfjs';
import { composeKernel } from './kernel-composer';

/**
 * UnsortedSegmentSum for wasm (the gradient of gather, e.g. of an embedding) as one ScatterNd, which
 * adds rows that share an index. Ids outside [0, numSegments) contribute nothing, as in TensorFlow:
 * they are sent to one extra row that is cut off.
 */
export const unsortedSegmentSum: KernelFunc = ({ inputs, backend: untypedBackend, attrs }) => {
  const backend = untypedBackend as KernelBackend;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
  const idCount = util.sizeFromShape(segmentIds.shape);
  const rowShape = x.shape.slice(segmentIds.shape.length);
  return composeKernel(backend, (k) => {
    const ids = backend.readSync(segmentIds.dataId) as Int32Array;
    const indices = new Int32Array(idCount);
    for (let i = 0; i < idCount; i++) {
      const id = ids[i];
      indices[i] = id >= 0 && id < numSegments ? id : numSegments;
    }
    const indexInfo = k.track({ dataId: backend.write(indices, [idCount, 1], 'int32'), shape: [idCount, 1], dtype: 'int32' });
    const updates = k.reshape(x, [idCount, ...rowShape]);
    const summed = k.run('ScatterNd', { indices: indexInfo, updates }, { shape: [numSegments + 1, ...rowShape] });
    return k.slice(summed, summed.shape.map(() => 0), [numSegments, ...rowShape]);
  });
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
