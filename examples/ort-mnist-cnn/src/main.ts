/**
 * Trains the MNIST CNN through ONNX Runtime with SGD vs SGD_GC and Adam vs Adam_GC2.
 *   node dist/main.js [--runtime node|web] [--epochs 2] [--train-limit 8000]
 */
import { createRequire } from 'node:module';
import type { OrtModule } from '@gcopt/onnxruntime';
import { optimizerRuns, trainMnistCnn } from './trainMnistCnn.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function loadRuntime(name: string): Promise<OrtModule> {
  if (name === 'node') return createRequire(import.meta.url)('onnxruntime-node') as OrtModule;
  if (name === 'web') {
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    return ort as unknown as OrtModule;
  }
  throw new Error(`--runtime: expected 'node' or 'web', got '${name}'`);
}

const runtime = arg('runtime', 'node');
const epochs = Number(arg('epochs', '2'));
const trainLimit = Number(arg('train-limit', '8000'));
const ort = await loadRuntime(runtime);
console.log(
  `MNIST CNN on onnxruntime-${runtime}: ${trainLimit} training digits, 2,000 test digits, ${epochs} epochs, batch 32`,
);
const summary: string[] = [];
for (const run of optimizerRuns) {
  const result = await trainMnistCnn({
    ort,
    optimizer: { ...run.optimizer },
    epochs,
    trainLimit,
    onEpoch: (e, loss, s) =>
      console.log(`  ${run.label.padEnd(22)} epoch ${e}: mean loss ${loss.toFixed(4)} (${s.toFixed(1)} s)`),
  });
  const line =
    `${run.label.padEnd(22)} test accuracy ${(100 * result.testAccuracy).toFixed(2)}%  final epoch loss ` +
    `${result.epochLosses.at(-1)!.toFixed(4)}  (${result.trainSeconds.toFixed(1)} s training)`;
  console.log(line);
  summary.push(line);
}
console.log('\nSummary');
for (const line of summary) console.log(`  ${line}`);
