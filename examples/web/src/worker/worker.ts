import * as ort from 'onnxruntime-web/wasm';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { createOptimizer } from '@gcopt/core';
import { optimizerByName } from '@gcopt/tfjs';
import { createFastOptimizer } from '@gcopt/core/fast';
import { DEMO_OPTIMIZERS, findDemoOptimizer } from '@gcopt/demo/browser';
import type { MnistSplit } from '@gcopt/mnist-data';
import type { OrtModule } from '@gcopt/onnxruntime';
import { createOrtEngine } from '../engines/ortEngine.js';
import { createTfjsEngine } from '../engines/tfjsEngine.js';
import type { EngineId, WebEngine } from '../engines/webEngine.js';
import { runPlan } from '../training/runPlan.js';
import { trainSteps } from '../training/trainSteps.js';
import { probeBackends, webgpuAdapter, type BackendReport } from './backends.js';
import { decodeDigits, firstDigits } from './digits.js';
import { replayGoldenOnDevice } from './goldenDevice.js';
import type { Reply, Request } from './protocol.js';

/**
 * The training Worker: every engine runs here, so the page's thread only draws. Requests come one
 * at a time from the page (src/page/main.ts) or the browser tests (test/browser.test.ts).
 */
const scope = globalThis as unknown as {
  postMessage(m: Reply): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
};
const post = (m: Reply) => scope.postMessage(m);

let digits: Promise<MnistSplit> | null = null;
let report: Promise<BackendReport> | null = null;

function loadDigits(): Promise<MnistSplit> {
  digits ??= fetch(new URL('./digits.bin', location.href)).then(async (r) => {
    if (!r.ok) throw new Error(`digits.bin: HTTP ${r.status}`);
    return decodeDigits(await r.arrayBuffer());
  });
  return digits;
}

/** tfjs: webgpu where an adapter exists, else webgl, else its cpu backend; says why. */
async function pickTfjsBackend(): Promise<{ backend: string; why: string }> {
  const tried: string[] = [];
  const gpu = await webgpuAdapter();
  if (gpu.available) {
    if (!(await tf.setBackend('webgpu').catch(() => false))) tried.push('webgpu: the backend failed to initialize');
    else {
      const failure = await tfjsSelfTest();
      if (!failure) return { backend: 'webgpu', why: `WebGPU adapter: ${gpu.detail}` };
      tried.push(`webgpu (adapter ${gpu.detail}): a training step failed: ${failure}`);
    }
  } else tried.push(`webgpu: ${gpu.detail}`);
  if (await tf.setBackend('webgl').catch(() => false)) {
    const failure = await tfjsSelfTest();
    if (!failure) return { backend: 'webgl', why: [...tried, 'webgl: ok'].join('; ') };
    tried.push(`webgl: a training step failed: ${failure}`);
  } else tried.push('webgl: no WebGL context');
  await tf.setBackend('cpu');
  return { backend: 'cpu', why: tried.join('; ') };
}

/** One Adam_GC2 step on a tiny dense layer, read back both ways: null, or why the current tfjs backend cannot train. */
async function tfjsSelfTest(): Promise<string | null> {
  try {
    const w = tf.variable(
      tf.tensor2d([
        [0.5, -1],
        [2, 0.25],
        [1, 1],
      ]),
    );
    const opt = optimizerByName('Adam_GC2', { lr: 1e-2 });
    const x = tf.tensor2d([[1, 2, 3]]);
    const loss = opt.minimize(() => tf.sum(tf.square(tf.matMul(x, w))), true) as tf.Scalar;
    const values = [...(await loss.data()), ...(await w.data())];
    tf.dispose([w, x, loss]);
    opt.dispose();
    return values.every(Number.isFinite) ? null : 'non-finite values';
  } catch (e) {
    return (e as Error).message;
  }
}

function probe(): Promise<BackendReport> {
  report ??= (async () => {
    const tfjs = await pickTfjsBackend();
    await tf.ready();
    const base = await probeBackends();
    return { ...base, tfjs };
  })();
  return report;
}

async function makeEngine(id: EngineId, threadsOverride?: number): Promise<WebEngine> {
  const r = await probe();
  const threads = threadsOverride ?? r.threads;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = new URL('./ort/', location.href).href;
  const runtime = `onnxruntime-web ${ort.env.versions.web} wasm (${threads} thread${threads > 1 ? 's' : ''})`;
  const o = ort as unknown as OrtModule;
  switch (id) {
    case 'ort-float32':
      return createOrtEngine(o, { kind: 'float32' }, runtime);
    case 'ort-fast':
      return createOrtEngine(o, { kind: 'fast', threads }, runtime);
    case 'ort-gpujs':
      return createOrtEngine(o, { kind: 'gpujs', mode: r.gpujs.mode }, runtime);
    case 'tfjs':
      return createTfjsEngine(tf);
  }
}

/**
 * The fast path alone on `threads` threads: an Adam_GC step over a [256, 1024] tensor must equal the
 * one-thread step bit for bit (each task is whole rows, so who runs it changes no result).
 */
async function fastThreads(threads: number): Promise<Reply> {
  const shape = [256, 1024];
  const init = Float32Array.from({ length: 256 * 1024 }, (_, i) => Math.sin(i));
  const grad = Float32Array.from({ length: 256 * 1024 }, (_, i) => Math.cos(i * 0.7));
  const run = async (t: number) => {
    const fast = await createFastOptimizer(createOptimizer('Adam_GC', { lr: 1e-3 }), [{ shape, init }], { threads: t });
    for (let s = 0; s < 3; s++) {
      fast.grads[0].set(grad);
      fast.step();
    }
    const out = {
      values: (fast.params[0].value.data as Float32Array).slice(),
      threads: fast.threads,
      backend: fast.backend,
      note: fast.note,
    };
    fast.dispose();
    return out;
  };
  const many = await run(threads);
  const one = await run(1);
  const equal = many.values.every((v, i) => Object.is(v, one.values[i]));
  return { type: 'fastThreads', threads: many.threads, backend: many.backend, note: many.note, equalsOneThread: equal };
}

async function handle(req: Request): Promise<Reply> {
  switch (req.type) {
    case 'probe':
      return { type: 'backends', report: await probe() };
    case 'train': {
      const data = await loadDigits();
      const split = { train: firstDigits(data.train, req.trainSize), test: firstDigits(data.test, req.testSize) };
      const engine = await makeEngine(req.engine);
      const optimizers = req.optimizers.map((label) => {
        const o = findDemoOptimizer(label);
        if (!o)
          throw new Error(`optimizers: unknown ${label} (known: ${DEMO_OPTIMIZERS.map((d) => d.label).join(', ')})`);
        return o;
      });
      const started = performance.now();
      const runs = await runPlan(
        engine,
        split,
        { optimizers, seed: req.seed, epochs: req.epochs, batchSize: req.batchSize, pointsPerEpoch: 10 },
        (progress) => post({ type: 'progress', progress, engine: engine.description }),
      );
      return { type: 'trained', runs, engine: engine.description, seconds: (performance.now() - started) / 1000 };
    }
    case 'steps': {
      const data = await loadDigits();
      const engine = await makeEngine(req.engine, req.threads);
      const optimizer = findDemoOptimizer(req.optimizer);
      if (!optimizer) throw new Error(`optimizer: unknown ${req.optimizer}`);
      const r = await trainSteps(engine, data.train, {
        optimizer,
        seed: req.seed,
        steps: req.steps,
        batchSize: req.batchSize,
      });
      return { type: 'steps', ...r, engine: engine.description };
    }
    case 'golden': {
      const mode = (req.mode ?? (await probe()).gpujs.mode) as BackendReport['gpujs']['mode'];
      return { type: 'golden', report: await replayGoldenOnDevice(req.files, req.inputs, mode) };
    }
    case 'fastThreads':
      return fastThreads(req.threads);
  }
}

// one request at a time, in order
let queue = Promise.resolve();
scope.onmessage = (e) => {
  queue = queue.then(() =>
    handle(e.data).then(post, (err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
    ),
  );
};
