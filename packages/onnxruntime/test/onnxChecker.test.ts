import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGradientModel, layers } from '../src/index.js';
import { pythonWith } from './helpers/python.js';

/**
 * `onnx.checker.check_model(full_check=True)` (strict checks plus shape inference) over built
 * models, with a Python that has the `onnx` package (Debian's python3-onnx, installed by
 * scripts/provision-python.sh where the machine allows). Without one this block is reported as
 * skipped; the runtime tests still load every model in both onnxruntime-node and onnxruntime-web.
 */
const python = pythonWith('onnx');

describe.skipIf(!python)('onnx.checker (python onnx)', () => {
  it('accepts gradient and inference models of every layer and loss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gcopt-onnx-'));
    const specs = [
      {
        input: [1, 8, 8],
        layers: [
          layers.conv2d({ filters: 2, kernel: 3, stride: 2, padding: 1 }),
          layers.relu(),
          layers.maxPool({ size: 2, stride: 1 }),
          layers.averagePool({ size: 2 }),
          layers.flatten(),
          layers.dropout({ rate: 0.2 }),
          layers.dense({ units: 3 }),
          layers.tanh(),
        ],
        loss: 'softmaxCrossEntropy' as const,
      },
      {
        input: [6],
        layers: [
          layers.reshape({ shape: [2, 3] }),
          layers.flatten(),
          layers.dense({ units: 2, useBias: false }),
          layers.sigmoid(),
        ],
        loss: 'meanSquaredError' as const,
        dtype: 'float64' as const,
        inputGradient: true,
      },
    ];
    const files: string[] = [];
    specs.forEach((spec, i) => {
      const built = buildGradientModel(spec as never) as ReturnType<typeof buildGradientModel>;
      for (const [kind, bytes] of [
        ['gradient', built.gradientModel],
        ['inference', built.inferenceModel],
      ] as const) {
        const file = join(dir, `${kind}${i}.onnx`);
        writeFileSync(file, bytes);
        files.push(file);
      }
    });
    const script =
      'import sys, onnx\nfor f in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(f), full_check=True)\n    ' +
      'print("ok", f)';
    const out = execFileSync(python!, ['-c', script, ...files], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toHaveLength(files.length);
  });
});
