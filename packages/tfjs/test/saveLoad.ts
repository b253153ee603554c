// Saving a model with its optimizer to plain JSON-able data and back (what a file or IndexedDB
// handler stores), shared by the in-process test and the child process.
import * as tf from '@tensorflow/tfjs';

export interface StoredModel {
  json: Omit<tf.io.ModelArtifacts, 'weightData'>;
  weightsBase64: string;
}

export async function saveModel(model: tf.LayersModel): Promise<StoredModel> {
  let stored: StoredModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const { weightData, ...json } = artifacts;
      const buffer = tf.io.CompositeArrayBuffer.join(weightData!);
      stored = { json: JSON.parse(JSON.stringify(json)), weightsBase64: Buffer.from(buffer).toString('base64') };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return stored!;
}

export async function loadModel(stored: StoredModel): Promise<tf.LayersModel> {
  const bytes = Buffer.from(stored.weightsBase64, 'base64');
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ ...stored.json, weightData }));
}
