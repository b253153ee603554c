import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoOptimizer, type NamedTensor } from '@gcopt/demo/browser';
import { loadDigits } from '@gcopt/mnist-data';
import type { GoldenFile, GoldenInputs } from '@gcopt/core';
import { buildSite, DEFAULT_OUT } from '../scripts/buildSite.mjs';
import { startServer } from '../scripts/serve.mjs';
import { ENGINE_IDS, type EngineId } from '../src/engines/webEngine.js';
import { trainSteps } from '../src/training/trainSteps.js';
import type { BackendReport } from '../src/worker/backends.js';
import type { Reply, Request } from '../src/worker/protocol.js';
import { launchChromium } from './chromium.js';
import { nodeEngine } from './nodeEngines.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, '../out');
const GOLDEN = path.join(here, '../../../fixtures/golden');

let browser: Browser;
let isolated: { url: string; close(): Promise<void> };
let plain: { url: string; close(): Promise<void> };
/** One isolated page for the engine, golden and thread checks (each page load probes every backend). */
let shared: { page: Page; errors: string[]; report: BackendReport };

/** A page of the site with every console error and uncaught exception collected. */
async function open(url: string): Promise<{ page: Page; errors: string[]; report: BackendReport }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => void errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.probed === 'yes', null, { timeout: 90_000 });
  const report = await request(page, { type: 'probe' });
  if (report.type !== 'backends') throw new Error(`probe answered ${report.type}`);
  return { page, errors, report: report.report };
}

function request(page: Page, message: Request): Promise<Reply> {
  return page.evaluate(
    (m) => (window as unknown as { gcopt: { request(m: Request): Promise<Reply> } }).gcopt.request(m),
    message,
  );
}

/** Largest |a−b| / max(1, |b|) over every weight. */
function maxRelError(a: readonly NamedTensor[], b: readonly NamedTensor[]): number {
  let worst = 0;
  a.forEach((t, i) => {
    expect(t.name).toBe(b[i].name);
    expect(t.data.length).toBe(b[i].data.length);
    const other = b[i].data;
    Object.values(t.data).forEach(
      (v, k) => (worst = Math.max(worst, Math.abs(v - other[k]) / Math.max(1, Math.abs(other[k])))),
    );
  });
  return worst;
}

beforeAll(async () => {
  await buildSite({ minify: process.env.GCOPT_WEB_MINIFY !== '0' });
  isolated = await startServer({ root: DEFAULT_OUT, isolate: true });
  plain = await startServer({ root: DEFAULT_OUT, isolate: false });
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
  shared = await open(isolated.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
});

describe('the page in headless Chromium', () => {
  const title = 'loads with no console error, lists its backends, trains the pairs, draws curves and a table';
  it(title, async () => {
    const query = 'autostart&engine=ort-fast&epochs=2&train=256&test=200&batch=32';
    const { page, errors, report } = await open(`${isolated.url}?${query}`);
    console.log(`backends: ${JSON.stringify(report)}`);
    await page.waitForFunction(() => document.body.dataset.state !== undefined, null, { timeout: 240_000 });
    expect(await page.locator('#error').innerText()).toBe('');
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('done');
    expect(await page.locator('#backends').innerText()).toMatch(/cross-origin isolated: yes/);
    // seven lines in each panel of the demo's plot, one table row per optimizer
    expect(await page.locator('#curves svg path[fill=none]').count()).toBe(14);
    expect(await page.locator('#table tr').count()).toBe(8);
    const status = await page.locator('#status').innerText();
    expect(status).toMatch(/^done in .* @gcopt\/core\/fast wasm-simd, 2 threads/);
    await page.screenshot({ path: path.join(OUT, 'web-page.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});

describe('each engine in the browser equals the same engine in Node', () => {
  const train = loadDigits().train;
  // tfjs compiles dozens of WebGL programs on SwiftShader (slow): one optimizer, fewer steps
  const cases: { engine: EngineId; optimizer: string; steps: number }[] = ENGINE_IDS.flatMap((engine) =>
    (engine === 'tfjs' ? ['Adam_GC2'] : ['SGD_GC', 'Adam_GC2']).map((optimizer) => ({
      engine,
      optimizer,
      steps: engine === 'tfjs' ? 3 : 6,
    })),
  );
  const tolerance = 1e-5;

  it.each(cases)(
    '$engine, $optimizer: $steps steps from seed 3',
    async ({ engine, optimizer, steps }) => {
      const plan = { seed: 3, steps, batchSize: 32 };
      const inBrowser = await request(shared.page, { type: 'steps', engine, optimizer, ...plan });
      if (inBrowser.type !== 'steps') throw new Error(inBrowser.type === 'error' ? inBrowser.message : inBrowser.type);
      const inNode = await trainSteps(await nodeEngine(engine), train, {
        optimizer: findDemoOptimizer(optimizer)!,
        ...plan,
      });
      const err = maxRelError(inBrowser.weights, inNode.weights);
      console.log(
        `${engine} ${optimizer}: browser (${inBrowser.engine}) vs Node: ` +
          `max relative weight difference ${err.toExponential(2)}`,
      );
      expect(err).toBeLessThanOrEqual(tolerance);
      // the runs trained: the weights moved away from the initial ones
      const moved = maxRelError(inNode.weights, (await import('@gcopt/demo/browser')).initialWeights(plan.seed));
      expect(moved).toBeGreaterThan(100 * tolerance);
      expect(shared.errors).toEqual([]);
    },
    180_000,
  );
});

describe('gpu.js kernels in the browser on the golden trajectories', () => {
  const inputs = JSON.parse(readFileSync(path.join(GOLDEN, 'inputs.json'), 'utf8')) as GoldenInputs;
  const files = ['first_release', 'advanced'].flatMap((family) =>
    readdirSync(path.join(GOLDEN, family))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({
        name: `${family}/${f}`,
        golden: JSON.parse(readFileSync(path.join(GOLDEN, family, f), 'utf8')) as GoldenFile,
      })),
  );
  // on software WebGPU and WebGL every file takes many seconds; by default one file per kernel
  // family (GCOPT_WEB_ALL_GOLDEN=1: all)
  const FAMILIES = [
    'first_release/SGD_GC.json',
    'first_release/SGDW_GCC.json',
    'first_release/Adam_GC2.json',
    'first_release/AdamW_GCC.json',
    'first_release/Adagrad_GC.json',
    'advanced/Adam.json',
    'advanced/SGD.json',
  ];
  const all = process.env.GCOPT_WEB_ALL_GOLDEN === '1';
  const familyFiles = all ? files : files.filter((f) => FAMILIES.includes(f.name));
  // WebGL 1 shares WebGL 2's GLSL generator: three files that still run every kernel (SGD with
  // momentum and Nesterov, Adagrad, Adam with GC on the gradient and on the update, amsgrad)
  const WEBGL1 = ['first_release/SGD_GC.json', 'first_release/Adagrad_GC.json', 'advanced/Adam.json'];
  const webgl1Files = all ? files : files.filter((f) => WEBGL1.includes(f.name));

  async function replay(mode: string, which = files) {
    const r = await request(shared.page, { type: 'golden', files: which, inputs, mode });
    if (r.type !== 'golden') throw new Error(r.type === 'error' ? r.message : r.type);
    return r.report;
  }

  function expectAgreement(r: Awaited<ReturnType<typeof replay>>, minCases: number) {
    const worstCore = Math.max(...r.cases.map((c) => c.vsCore));
    const worstGolden = Math.max(...r.cases.map((c) => c.vsGolden));
    console.log(
      `gpu.js ${r.mode}: ${r.cases.length} golden cases; worst vs core ${worstCore.toExponential(2)}, ` +
        `vs PyTorch float32 ${worstGolden.toExponential(2)}` +
        `; not fused: ${[...new Set(r.notFused.map((c) => c.file))].join(', ')}`,
    );
    expect(r.cases.length).toBeGreaterThanOrEqual(minCases);
    for (const c of r.cases) {
      expect(c.kernelModes, `${c.file} ${c.id}: compiled for`).toEqual([r.mode]);
      expect(c.vsCore, `${c.file} ${c.id}`).toBeLessThanOrEqual(1e-5);
      expect(c.vsGolden, `${c.file} ${c.id}`).toBeLessThanOrEqual(1e-5);
    }
    // only the optimizers without a fused kernel are left out
    for (const c of r.notFused) expect(c.file).toMatch(/(RAdam|PlainRAdam|Ranger|Lookahead)\.json$/);
  }

  it('WebGL 2 (SwiftShader) equals the core and PyTorch on every fused golden case', async () => {
    expect(shared.report.webgl).toMatch(/WebGL 2/);
    expectAgreement(await replay('webgl2', familyFiles), familyFiles.length);
  }, 600_000);

  it('WebGL 1 (SwiftShader) too', async () => {
    expectAgreement(await replay('webgl', webgl1Files), webgl1Files.length);
  }, 300_000);

  it('the page says whether gpu.js on WebGL 2 works where it chose another mode', async () => {
    const text = await shared.page.locator('#backends').innerText();
    if (shared.report.gpujs.mode === 'webgl2') expect(text).not.toContain('gpu.js on WebGL 2:');
    else {
      expect(shared.report.gpujsWebgl2).toBeNull();
      expect(text).toContain('gpu.js on WebGL 2: works too');
    }
  });

  it('WebGPU, where the browser exposes an adapter', async () => {
    const gpu = shared.report.webgpu;
    console.log(`WebGPU adapter: ${gpu.available ? gpu.detail : `none (${gpu.detail})`}`);
    if (!shared.report.webgpu.available) {
      expect(shared.report.webgpu.detail).not.toBe('');
      return;
    }
    expectAgreement(await replay('webgpu', familyFiles), familyFiles.length);
  }, 300_000);
});

describe('a browser without WebGPU', () => {
  let noWebGpu: Browser;
  let page: Page;
  let errors: string[];
  let report: BackendReport;

  beforeAll(async () => {
    noWebGpu = await launchChromium({ webgpu: false });
    const context = await noWebGpu.newPage();
    errors = [];
    context.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    context.on('pageerror', (e) => void errors.push(e.message));
    await context.goto(isolated.url);
    await context.waitForFunction(() => document.body.dataset.probed === 'yes', null, { timeout: 90_000 });
    const r = await request(context, { type: 'probe' });
    if (r.type !== 'backends') throw new Error(`probe answered ${r.type}`);
    page = context;
    report = r.report;
  }, 180_000);

  afterAll(async () => {
    await noWebGpu?.close();
  });

  it('runs the gpu.js engine on WebGL 2, and the page says why', async () => {
    expect(report.webgpu.available).toBe(false);
    expect(report.gpujs.mode).toBe('webgl2');
    expect(report.gpujs.explanation).toMatch(/^webgpu: (no|available but)/);
    expect(report.gpujs.explanation).toMatch(/webgl2: yes .* chose webgl2$/);
    expect(await page.locator('#backends').innerText()).toMatch(/gpu\.js device optimizer: webgl2/);
    expect(errors).toEqual([]);
  });

  it.each(['SGD_GC', 'Adam_GC2'])(
    'ort-gpujs, %s: 6 steps on WebGL 2 equal the core in Node',
    async (optimizer) => {
      const plan = { seed: 3, steps: 6, batchSize: 32 };
      const inBrowser = await request(page, { type: 'steps', engine: 'ort-gpujs', optimizer, ...plan });
      if (inBrowser.type !== 'steps') throw new Error(inBrowser.type === 'error' ? inBrowser.message : inBrowser.type);
      expect(inBrowser.engine).toMatch(/@gcopt\/core\/gpu webgl2/);
      const inNode = await trainSteps(await nodeEngine('ort-gpujs'), loadDigits().train, {
        optimizer: findDemoOptimizer(optimizer)!,
        ...plan,
      });
      const err = maxRelError(inBrowser.weights, inNode.weights);
      console.log(
        `ort-gpujs ${optimizer}: browser (${inBrowser.engine}) vs Node: ` +
          `max relative weight difference ${err.toExponential(2)}`,
      );
      expect(err).toBeLessThanOrEqual(1e-5);
      expect(errors).toEqual([]);
    },
    180_000,
  );
});

describe('the fast path in a Worker', () => {
  it('runs on 2 threads under cross-origin isolation, bit for bit the 1-thread result', async () => {
    expect(shared.report.crossOriginIsolated).toBe(true);
    const r = await request(shared.page, { type: 'fastThreads', threads: 2 });
    expect(r).toMatchObject({ type: 'fastThreads', threads: 2, backend: 'wasm-simd', equalsOneThread: true });
    expect(shared.errors).toEqual([]);
  }, 120_000);

  it('falls back to 1 thread without it, and the page says why', async () => {
    const { page, errors, report } = await open(plain.url);
    expect(report.crossOriginIsolated).toBe(false);
    expect(report.threads).toBe(1);
    expect(report.notes.join(' ')).toMatch(/not cross-origin isolated/);
    const r = await request(page, { type: 'fastThreads', threads: 2 });
    expect(r).toMatchObject({
      type: 'fastThreads',
      threads: 1,
      backend: 'wasm-simd',
      note: expect.stringMatching(/one thread/),
    });
    expect(await page.locator('#backends').innerText()).toMatch(/fallback: not cross-origin isolated/);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
