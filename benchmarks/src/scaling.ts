import { freemem } from 'node:os';
import { Adam_GC } from '@gcopt/core';
import { createFastOptimizer, createFastOptimizerSync, type FastOptimizer } from '@gcopt/core/fast';
import { benchData } from './data.js';
import type { ParamSet } from './paramSets.js';
import { StreamFloor } from './streamFloor.js';
import { median, timeSteps, type Schedule } from './timing.js';

/**
 * What a step costs as work grows, for Adam_GC (NaN check on, gradients in gcopt's memory): each
 * line beside the stream floor measured at the same size and thread count. The fast path's numbers
 * themselves are checked against the core on the main sets; these lines only time it.
 */
export interface ScalingLine {
  readonly what: 'threads' | 'size' | 'subnormal';
  readonly params: number;
  readonly threads: number;
  readonly gcoptMs: number | null;
  readonly floorMs: number | null;
  /** gcopt median / floor median. */
  readonly overFloor: number | null;
  /** WebAssembly memory bytes per parameter (parameters, gradients, state, tables). */
  readonly bytesPerParam: number | null;
  readonly note: string;
}

/** `n` parameters as [n/1024, 1024] weights (GC on every row) of at most 2^24 elements each. */
export function flatSet(n: number): ParamSet {
  const shapes: number[][] = [];
  for (let left = n; left > 0; left -= Math.min(left, 1 << 24)) shapes.push([Math.min(left, 1 << 24) / 1024, 1024]);
  return { name: `${n / 1e6}M`, shapes, size: n };
}

async function timeFast(set: ParamSet, threads: number, schedule: Schedule, prepare?: (f: FastOptimizer) => void) {
  const data = benchData(set);
  const fast = await createFastOptimizer(
    Adam_GC({ lr: 1e-3, onWarning: () => {} }),
    set.shapes.map((shape, i) => ({ shape, init: data.init[i] })),
    { threads },
  );
  try {
    fast.grads.forEach((g, i) => g.set(data.grads[i]));
    prepare?.(fast);
    const ms = fast.backend === 'wasm-simd' ? median(timeSteps(() => fast.step(), schedule)) : null;
    const memory = (fast.params[0].value.data as Float32Array).buffer.byteLength;
    const note =
      `${fast.backend}${fast.backend === 'wasm-simd' ? ` ×${fast.threads}` : ''}` +
      `${fast.note ? `: ${fast.note}` : ''}`;
    return { ms, bytesPerParam: fast.backend === 'wasm-simd' ? memory / set.size : null, note };
  } finally {
    fast.dispose();
  }
}

async function floorMs(elements: number, threads: number, llc: number): Promise<{ ms: number | null; note: string }> {
  let floor: StreamFloor | null = null;
  try {
    floor = await StreamFloor.create(elements, llc);
    return { ms: (floor.measure('adam', threads, 7).medianMs * elements) / floor.elements, note: '' };
  } catch (e) {
    return { ms: null, note: (e as Error).message };
  } finally {
    // the floor keeps its pool until closed, and the pool's workers keep its memory alive
    floor?.close();
  }
}

export async function runScaling(
  maxThreads: number,
  sizes: number[],
  threadSet: ParamSet,
  llc: number,
  schedule: Schedule,
  log: (line: string) => void,
): Promise<ScalingLine[]> {
  const out: ScalingLine[] = [];
  const add = (line: ScalingLine) => {
    out.push(line);
    const f = (x: number | null) => (x === null ? '–' : x.toFixed(2));
    log(
      `scaling ${line.what.padEnd(9)} ${line.params.toLocaleString('en-US').padStart(12)} ×${line.threads}  ` +
        `gcopt ${f(line.gcoptMs)} ms  floor ${f(line.floorMs)} ms  × floor ${f(line.overFloor)}  ` +
        `${line.bytesPerParam?.toFixed(1) ?? '–'} B/param  ${line.note}`,
    );
  };
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
  for (let t = 1; t <= maxThreads; t++) {
    const g = await timeFast(threadSet, t, schedule);
    const f = await floorMs(threadSet.size, t, llc);
    add({
      what: 'threads',
      params: threadSet.size,
      threads: t,
      gcoptMs: g.ms,
      floorMs: f.ms,
      overFloor: ratio(g.ms, f.ms),
      bytesPerParam: g.bytesPerParam,
      note: `${threadSet.name}; ${g.note}`,
    });
  }
  for (const n of sizes) {
    if (n * 16 > 2 ** 32) {
      // past one WebAssembly memory: the fast path refuses up front when asked for WebAssembly by name
      let note = 'the fast path accepted it';
      try {
        createFastOptimizerSync(
          Adam_GC({ lr: 1e-3, onWarning: () => {} }),
          flatSet(n).shapes.map((shape) => ({ shape })),
          {
            backend: 'wasm-simd',
          },
        ).dispose();
      } catch (e) {
        note = `refused up front: ${(e as Error).message}`;
      }
      const f = await floorMs(n, maxThreads, llc);
      add({
        what: 'size',
        params: n,
        threads: maxThreads,
        gcoptMs: null,
        floorMs: f.ms,
        overFloor: null,
        bytesPerParam: null,
        note: `${note}; floor: ${f.note}`,
      });
      continue;
    }
    // parameters, gradients and state of Adam (16 B/param) plus the core's initial copy, the floor's 16 B/param
    const need = n * 40;
    if (need > freemem()) {
      add({
        what: 'size',
        params: n,
        threads: maxThreads,
        gcoptMs: null,
        floorMs: null,
        overFloor: null,
        bytesPerParam: null,
        note: `not run: needs about ${(need / 1e9).toFixed(1)} GB, ${(freemem() / 1e9).toFixed(1)} GB free`,
      });
      continue;
    }
    const g = await timeFast(flatSet(n), maxThreads, schedule);
    const f = await floorMs(n, maxThreads, llc);
    add({
      what: 'size',
      params: n,
      threads: maxThreads,
      gcoptMs: g.ms,
      floorMs: f.ms,
      overFloor: ratio(g.ms, f.ms),
      bytesPerParam: g.bytesPerParam,
      note: [g.note, f.note].filter(Boolean).join('; floor: '),
    });
  }
  // state decayed to subnormals (a long run of zero gradients): m and v below 2^-126
  const sub = flatSet(10 * 2 ** 20);
  const zero = (fast: FastOptimizer, state: number) => {
    fast.grads.forEach((g) => g.fill(0));
    for (const ts of fast.state.tensors) for (const s of Object.values(ts.slots)) s.fill(state);
  };
  const normal = await timeFast(sub, maxThreads, schedule, (f) => zero(f, 1e-3));
  const subnormal = await timeFast(sub, maxThreads, schedule, (f) => zero(f, 1e-40));
  add({
    what: 'subnormal',
    params: sub.size,
    threads: maxThreads,
    gcoptMs: subnormal.ms,
    floorMs: normal.ms,
    overFloor: ratio(subnormal.ms, normal.ms),
    bytesPerParam: subnormal.bytesPerParam,
    note: 'zero gradients; m, v = 1e-40 (subnormal) against m, v = 1e-3 (the "floor" column)',
  });
  return out;
}
