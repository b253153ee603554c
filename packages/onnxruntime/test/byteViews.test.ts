// Checkpoints and models handed over as Node Buffers (fs.readFileSync, Buffer.from) or as
// subarrays at odd offsets are read as the bytes they show, and a run resumed from a checkpoint
// that went through a real file continues bit for bit.
import { describe, expect, it } from 'vitest';
import {
  buildGradientModel,
  decodeCheckpoint,
  layers,
  OrtTrainer,
  readGradientModel,
  type NetworkSpec,
} from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { runtimes } from './helpers/runtimes.js';
import { throughFile, viewsOf } from './helpers/fileBytes.js';

const spec: NetworkSpec = {
  input: [1, 4, 4],
  layers: [
    layers.conv2d({ filters: 2, kernel: 3, padding: 'same' }),
    layers.relu(),
    layers.flatten(),
    layers.dense({ units: 3 }),
  ],
  loss: 'softmaxCrossEntropy',
  seed: 3,
};

function batches(count: number, seed: number) {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => ({
    input: Float32Array.from({ length: 8 * 16 }, () => random() - 0.5),
    labels: Int32Array.from({ length: 8 }, () => Math.floor(random() * 3)),
  }));
}

describe('byte views', () => {
  it('decodeCheckpoint reads every kind of Uint8Array view as the same checkpoint', async () => {
    const built = buildGradientModel(spec);
    const trainer = new OrtTrainer({
      gradientModel: built.gradientModel,
      ort: runtimes[0][1],
      optimizer: { name: 'Adam_GC2', lr: 0.01 },
      params: built.params,
    });
    await trainer.step(batches(1, 1)[0]);
    const bytes = trainer.checkpoint();
    const expected = decodeCheckpoint(bytes.slice());
    for (const [kind, view] of viewsOf(bytes)) {
      const got = decodeCheckpoint(view);
      expect(
        got.params.map((p) => [p.name, p.shape, Array.from(p.data)]),
        kind,
      ).toEqual(expected.params.map((p) => [p.name, p.shape, Array.from(p.data)]));
      expect(got.optimizer, kind).toEqual(expected.optimizer);
    }
  });

  it('readGradientModel reads model bytes from every kind of view', () => {
    const built = buildGradientModel(spec);
    const expected = readGradientModel(built.gradientModel);
    for (const [kind, view] of viewsOf(built.gradientModel)) {
      const got = readGradientModel(view);
      expect(
        got.params.map((p) => [p.name, p.shape, p.outAxis, p.gc]),
        kind,
      ).toEqual(expected.params.map((p) => [p.name, p.shape, p.outAxis, p.gc]));
    }
  });

  describe.each(runtimes)('on %s', (_name, ort) => {
    it('a run resumed from a checkpoint file continues bit for bit (models read from files too)', async () => {
      const built = buildGradientModel(spec);
      const gradientModel = throughFile(built.gradientModel, 'grad.onnx');
      const inferenceModel = throughFile(built.inferenceModel, 'infer.onnx');
      const data = batches(4, 2);
      const fresh = () => buildGradientModel(spec).params;
      const uninterrupted = new OrtTrainer({
        gradientModel,
        inferenceModel,
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.01 },
        params: fresh(),
      });
      for (const b of data) await uninterrupted.step(b);

      const first = new OrtTrainer({
        gradientModel,
        inferenceModel,
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.01 },
        params: fresh(),
      });
      await first.step(data[0]);
      await first.step(data[1]);
      const file = throughFile(first.checkpoint(), 'run.ckpt');
      const resumed = new OrtTrainer({
        gradientModel,
        inferenceModel,
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.01 },
        params: buildGradientModel({ ...spec, seed: 77 }).params,
      });
      resumed.loadCheckpoint(file);
      await resumed.step(data[2]);
      await resumed.step(data[3]);
      resumed.params.forEach((p, i) =>
        expect(Array.from(p.data), p.name).toEqual(Array.from(uninterrupted.params[i].data)),
      );
      expect(resumed.optimizer.state()).toEqual(uninterrupted.optimizer.state());
      const exported = throughFile(resumed.exportInferenceModel(), 'trained.onnx');
      const session = await ort.InferenceSession.create(exported);
      const out = await session.run({ input: new ort.Tensor('float32', data[0].input, [8, 1, 4, 4]) });
      expect(Array.from(out.output.data as Float32Array)).toEqual(Array.from(await resumed.predict(data[0].input)));
      await Promise.all([uninterrupted.release(), first.release(), resumed.release(), session.release()]);
    });
  });
});
