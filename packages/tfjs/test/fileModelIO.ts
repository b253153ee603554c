// A tfjs IOHandler that writes real files with fs, as an application saving to disk does: the
// model's JSON (topology, training config, weight specs) and its weights in a .bin file, read back
// with fs.readFileSync (a Node Buffer, which is a view into a larger buffer).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export function fileSaver(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts) {
      mkdirSync(dir, { recursive: true });
      const { weightData, ...json } = artifacts;
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData!)));
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
}

export function fileLoader(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelArtifacts;
      const bytes = readFileSync(join(dir, 'weights.bin'));
      return { ...json, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) };
    },
  };
}

/** `[name, the tfjs-layers variable names]` of a model: what its optimizer state is keyed by. */
export function variableNames(model: tf.LayersModel): string[] {
  return model.trainableWeights.map((w) => w.read().name);
}
