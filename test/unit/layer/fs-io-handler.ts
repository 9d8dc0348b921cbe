/** A small file-system IOHandler (model.json + weights.bin), standing in for tfjs-node's `file://`. */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function fileSystemHandler(dir: string): tf.io.IOHandler {
  const modelPath = path.join(dir, 'model.json');
  const weightsPath = path.join(dir, 'weights.bin');
  return {
    save: async (artifacts) => {
      fs.mkdirSync(dir, { recursive: true });
      const weightData = tf.io.concatenateArrayBuffers(
        artifacts.weightData === undefined ? [] : Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
      );
      fs.writeFileSync(weightsPath, Buffer.from(weightData));
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }];
      fs.writeFileSync(modelPath, JSON.stringify({ modelTopology: artifacts.modelTopology, format: artifacts.format, weightsManifest: manifest }));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      const json = JSON.parse(fs.readFileSync(modelPath, 'utf8')) as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
      const buffer = fs.readFileSync(weightsPath);
      const weightData = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
      return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData };
    },
  };
}
