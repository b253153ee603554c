// What the README says about PyTorch exports, tried with the real exporter: a module returning
// explicit gradients exported with torch.onnx.export trains (its gradients equal an independent
// float64 computation); the classic xᵀ·dY for a torch.nn.Linear-layout weight is refused when read;
// an export without dynamic axes has a fixed batch dimension; autograd inside forward does not export.
// Needs a Python with torch and onnx (Debian's python3-torch and python3-onnx, installed by
// scripts/provision-python.sh where the machine allows); reported as skipped without them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OrtTrainer, readGradientModel } from '../src/index.js';
import { createRandom } from '../src/builder/initializers.js';
import { pythonWith } from './helpers/python.js';
import { runtimes } from './helpers/runtimes.js';

const python = pythonWith('torch', 'onnx');
const script = fileURLToPath(new URL('./fixtures/torchGradientModel.py', import.meta.url));

const exported = new Map<string, { bytes: Uint8Array; status: number | null; stderr: string }>();

/** Runs the exporter once per variant (importing torch takes seconds). */
function exportModel(variant: string): { bytes: Uint8Array; status: number | null; stderr: string } {
  if (!exported.has(variant)) {
    const out = spawnSync(python!, [script, variant], { maxBuffer: 1 << 24 });
    exported.set(variant, { bytes: new Uint8Array(out.stdout), status: out.status, stderr: out.stderr.toString() });
  }
  return exported.get(variant)!;
}

const [D, K] = [3, 4];

/** Softmax regression with W [K, D] (torch.nn.Linear layout), in float64: loss, dW, db. */
function reference(x: Float32Array, y: Int32Array, W: Float32Array, b: Float32Array) {
  const n = y.length;
  const dW = new Float64Array(K * D);
  const db = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const logits = Array.from(
      { length: K },
      (_, k) => b[k] + Array.from({ length: D }, (_, d) => x[i * D + d] * W[k * D + d]).reduce((a, c) => a + c, 0),
    );
    const max = Math.max(...logits);
    const sum = logits.reduce((a, l) => a + Math.exp(l - max), 0);
    loss -= logits[y[i]] - max - Math.log(sum);
    for (let k = 0; k < K; k++) {
      const g = (Math.exp(logits[k] - max) / sum - (k === y[i] ? 1 : 0)) / n;
      db[k] += g;
      for (let d = 0; d < D; d++) dW[k * D + d] += g * x[i * D + d];
    }
  }
  return { loss: loss / n, dW, db };
}

function toyData(count: number, seed: number) {
  const random = createRandom(seed);
  const input = Float32Array.from({ length: count * D }, () => random() * 2 - 1);
  const labels = Int32Array.from(
    { length: count },
    (_, i) => (input[i * D] > 0 ? 1 : 0) + (input[i * D + 1] > 0 ? 2 : 0),
  );
  return { input, labels, count };
}

const initial = () => [
  { name: 'W', shape: [K, D], data: Float32Array.from({ length: K * D }, (_, i) => Math.cos(i) * 0.2) },
  { name: 'b', shape: [K], data: new Float32Array(K) },
];

describe.skipIf(!python)('PyTorch exports (torch.onnx.export)', () => {
  it.each(runtimes)(
    'explicit gradients: read as int64-label model, gradients equal a float64 reference, trains (%s)',
    async (_name, ort) => {
      const { bytes } = exportModel('right');
      const info = readGradientModel(bytes);
      expect(info.labelsType).toBe('int64');
      expect(info.batchSize).toBeUndefined();
      expect(info.params.map((p) => [p.name, p.shape, p.outAxis])).toEqual([
        ['W', [K, D], 0],
        ['b', [K], 0],
      ]);
      const data = toyData(64, 3);
      const params = initial();
      const session = await ort.InferenceSession.create(bytes);
      const out = await session.run({
        x: new ort.Tensor('float32', data.input, [64, D]),
        y: new ort.Tensor(
          'int64',
          BigInt64Array.from(data.labels, (c) => BigInt(c)),
          [64],
        ),
        W: new ort.Tensor('float32', params[0].data, [K, D]),
        b: new ort.Tensor('float32', params[1].data, [K]),
      });
      const ref = reference(data.input, data.labels, params[0].data, params[1].data);
      expect((out.loss.data as Float32Array)[0]).toBeCloseTo(ref.loss, 5);
      (out['grad.W'].data as Float32Array).forEach((g, i) => expect(Math.abs(g - ref.dW[i])).toBeLessThan(1e-6));
      (out['grad.b'].data as Float32Array).forEach((g, i) => expect(Math.abs(g - ref.db[i])).toBeLessThan(1e-6));
      await session.release();

      const trainer = new OrtTrainer({ gradientModel: bytes, ort, optimizer: { name: 'Adam_GC2', lr: 0.05 }, params });
      const first = await trainer.trainEpoch(data, { batchSize: 16 });
      for (let e = 0; e < 30; e++) await trainer.trainEpoch(data, { batchSize: 16 });
      const last = await trainer.trainEpoch(data, { batchSize: 16 });
      expect(last.meanLoss).toBeLessThan(first.meanLoss * 0.7);
      expect((await trainer.evaluate(data)).accuracy).toBeGreaterThan(0.6);
      await trainer.release();
    },
  );

  it('xᵀ·dY for a torch.nn.Linear weight is refused when read, naming both shapes', () => {
    const { bytes } = exportModel('transposed');
    expect(() => readGradientModel(bytes)).toThrow(
      /gradient output 'grad.W' is declared \[3, (4|\?)\], the parameter 'W' is \[4, 3\] — it looks transposed/,
    );
  });

  it('without dynamic_axes the batch dimension is fixed: found at load, the partial last batch dropped', async () => {
    const { bytes } = exportModel('fixed');
    expect(readGradientModel(bytes).batchSize).toBe(8);
    const trainer = new OrtTrainer({
      gradientModel: bytes,
      ort: runtimes[0][1],
      optimizer: { name: 'Adam_GC2', lr: 0.05 },
      params: initial(),
    });
    expect(await trainer.trainEpoch(toyData(20, 4), {})).toMatchObject({ steps: 2, dropped: 4 });
    await trainer.release();
  });

  it('torch.autograd.grad inside forward does not export', () => {
    const result = exportModel('autograd');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Cannot insert a Tensor that requires grad as a constant/);
  });
});
