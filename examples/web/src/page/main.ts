import { curvesSvg, DEMO_OPTIMIZERS, describeHyper, summarize, type RunResult } from '@gcopt/demo/browser';
import { ENGINE_IDS, type EngineId } from '../engines/webEngine.js';
import type { BackendReport } from '../worker/backends.js';
import type { Reply, Request } from '../worker/protocol.js';
import { resultsTableHtml } from './resultsTable.js';
import { WorkerClient } from './workerClient.js';

/**
 * The page: asks the training Worker what this browser offers, trains the demo's optimizer pairs on
 * the chosen engine, and redraws the demo's plot (training loss and test accuracy side by side) as
 * progress arrives. Nothing heavy runs on this thread.
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const client = new WorkerClient();
const params = new URLSearchParams(location.search);

const ENGINE_LABELS: Record<EngineId, string> = {
  'ort-fast': 'onnxruntime-web (wasm) + @gcopt/core/fast update (WebAssembly SIMD, threads)',
  'ort-float32': 'onnxruntime-web (wasm) + @gcopt/float32 update',
  'ort-gpujs': 'onnxruntime-web (wasm) gradients + gpu.js device optimizer update (the mode listed above)',
  tfjs: 'TensorFlow.js (webgpu / webgl) + @gcopt/tfjs optimizer',
};

function fillControls(): void {
  const engine = $<HTMLSelectElement>('engine');
  for (const id of ENGINE_IDS) engine.add(new Option(ENGINE_LABELS[id], id));
  engine.value = params.get('engine') ?? 'ort-fast';
  const boxes = $('optimizers');
  const chosen = params.get('optimizers')?.split(',');
  for (const o of DEMO_OPTIMIZERS) {
    const label = document.createElement('label');
    label.title = describeHyper(o);
    const checked = !chosen || chosen.includes(o.label) ? 'checked' : '';
    label.innerHTML = `<input type="checkbox" value="${o.label}" ${checked}> ${o.label}`;
    boxes.append(label);
  }
  for (const key of ['epochs', 'train', 'test', 'batch', 'seed']) {
    const v = params.get(key);
    if (v) $<HTMLInputElement>(key).value = v;
  }
}

function showBackends(r: BackendReport): void {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const items = [
    `cross-origin isolated: <b>${yes(r.crossOriginIsolated)}</b>; ` +
      `SharedArrayBuffer: ${yes(r.sharedMemory)}; cores: ${r.cores}; ` +
      `threads for ONNX Runtime and the fast path: <b>${r.threads}</b>`,
    `WebAssembly SIMD: ${yes(r.wasmSimd)}`,
    `WebGL: ${r.webgl}`,
    `WebGPU: ${r.webgpu.available ? `<b>adapter</b> ${r.webgpu.detail}` : `none — ${r.webgpu.detail}`}`,
    `gpu.js device optimizer: <b>${r.gpujs.mode}</b> ` +
      `<details><summary>why</summary><pre>${r.gpujs.explanation}</pre></details>`,
    ...(r.gpujs.mode !== 'webgl2'
      ? [`gpu.js on WebGL 2: ${r.gpujsWebgl2 === null ? 'works too' : `not usable — ${r.gpujsWebgl2}`}`]
      : []),
    `TensorFlow.js: <b>${r.tfjs.backend}</b> — ${r.tfjs.why}`,
    ...r.notes.map((n) => `fallback: ${n}`),
  ];
  $('backends').innerHTML = items.map((i) => `<li>${i}</li>`).join('');
}

function draw(runs: readonly RunResult[], epochs: number, subtitle: string): void {
  const optimizers = DEMO_OPTIMIZERS.filter((o) => runs.some((r) => r.optimizer === o.label));
  $('curves').innerHTML = curvesSvg(summarize(runs, optimizers), 'GC vs no GC on MNIST, in this browser', subtitle, {
    epochs,
  });
}

async function train(): Promise<void> {
  const start = $<HTMLButtonElement>('start');
  start.disabled = true;
  $('table').innerHTML = '';
  $('error').textContent = '';
  const request: Request = {
    type: 'train',
    engine: $<HTMLSelectElement>('engine').value as EngineId,
    optimizers: [...document.querySelectorAll<HTMLInputElement>('#optimizers input:checked')].map((b) => b.value),
    epochs: Number($<HTMLInputElement>('epochs').value),
    trainSize: Number($<HTMLInputElement>('train').value),
    testSize: Number($<HTMLInputElement>('test').value),
    batchSize: Number($<HTMLInputElement>('batch').value),
    seed: Number($<HTMLInputElement>('seed').value),
  };
  const subtitle = (engine: string) =>
    `${request.trainSize} training / ${request.testSize} test digits, ` +
    `batch ${request.batchSize}, seed ${request.seed}; ${engine}`;
  try {
    const reply = await client.request(request, (m: Reply) => {
      if (m.type !== 'progress') return;
      const p = m.progress;
      $<HTMLProgressElement>('progress').value = p.stepsDone / p.stepsTotal;
      $('status').textContent = `${p.current}: step ${p.stepsDone} of ${p.stepsTotal}`;
      draw(p.runs, request.epochs, subtitle(m.engine));
    });
    if (reply.type !== 'trained') throw new Error(`unexpected reply ${reply.type}`);
    draw(reply.runs, request.epochs, subtitle(reply.engine));
    const optimizers = DEMO_OPTIMIZERS.filter((o) => reply.runs.some((r) => r.optimizer === o.label));
    $('table').innerHTML = resultsTableHtml(summarize(reply.runs, optimizers));
    $<HTMLProgressElement>('progress').value = 1;
    $('status').textContent = `done in ${reply.seconds.toFixed(1)} s — ${reply.engine}`;
    document.body.dataset.state = 'done';
  } catch (e) {
    $('error').textContent = (e as Error).message;
    document.body.dataset.state = 'failed';
  } finally {
    start.disabled = false;
  }
}

/** For the browser tests (test/browser.test.ts): the same Worker the page trains with. */
(window as unknown as { gcopt: unknown }).gcopt = { request: (m: Request) => client.request(m) };

fillControls();
$('start').addEventListener('click', () => void train());
client.request({ type: 'probe' }).then(
  (r) => {
    if (r.type === 'backends') showBackends(r.report);
    document.body.dataset.probed = 'yes';
    if (params.has('autostart')) void train();
  },
  (e: Error) => ($('error').textContent = e.message),
);
