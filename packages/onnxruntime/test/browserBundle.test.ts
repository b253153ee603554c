import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as ortWeb from 'onnxruntime-web';

const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

ortWeb.env.wasm.numThreads = 1;

describe('browser bundle', () => {
  it('bundles @gcopt/onnxruntime for the browser with no Node built-in; the bundle trains on ort-web', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['source'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((p) => /float32\/src\//.test(p))).toBe(true);
    expect(inputs.some((p) => /protobufjs/.test(p))).toBe(true);
    for (const input of Object.values(result.metafile!.inputs)) {
      for (const imp of input.imports) expect(nodeBuiltins.has(imp.path), `${imp.path}`).toBe(false);
    }
    const mod = await import(
      `data:text/javascript;base64,${Buffer.from(result.outputFiles![0].text).toString('base64')}`
    );
    const net = mod.buildGradientModel({
      input: [3],
      layers: [mod.layers.dense({ units: 2 })],
      loss: 'softmaxCrossEntropy',
    });
    const trainer = new mod.OrtTrainer({ ...net, ort: ortWeb, optimizer: { name: 'SGD_GC', lr: 0.5 } });
    const batch = { input: new Float32Array([1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1]), labels: [0, 1, 0, 1] };
    const first = (await trainer.step(batch)).loss;
    for (let i = 0; i < 10; i++) await trainer.step(batch);
    expect((await trainer.step(batch)).loss).toBeLessThan(first);
  });
});
