/**
 * The oracle judged on its own: against the trajectories recorded from the reference PyTorch code
 * (fixtures/golden/, format in docs/ALGORITHMS.md §0), and for independence from what it judges.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { contains } from '../src/oracle/interval.js';
import { oracleOptimizer } from '../src/oracle/optimizers.js';
import { EPS32, EPS64 } from '../src/tolerance.js';

const golden = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
const oracleDir = fileURLToPath(new URL('../src/oracle/', import.meta.url));

type Json = Record<string, any>;
const inputs: Json = JSON.parse(readFileSync(`${golden}inputs.json`, 'utf8'));

/** The reference's snake_case keyword arguments in gcopt's camelCase option names. */
function camel(kwargs: Json): Json {
  const names: Record<string, string> = { N_sma_threshhold: 'nSmaThreshold' };
  return Object.fromEntries(
    Object.entries(kwargs).map(([k, v]) => [names[k] ?? k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

const RADAM_FAMILY = ['RAdam', 'PlainRAdam', 'Ranger'];

describe.each(['first_release', 'advanced'] as const)('the oracle reproduces the PyTorch goldens (%s)', (family) => {
  for (const file of readdirSync(`${golden}${family}`)) {
    const recorded: Json = JSON.parse(readFileSync(`${golden}${family}/${file}`, 'utf8'));
    it(recorded.optimizer, () => {
      let checked = 0;
      for (const c of recorded.cases) {
        const lookahead = recorded.optimizer === 'Lookahead';
        const name = lookahead ? `Lookahead(${c.kwargs.inner})` : recorded.optimizer;
        const hyper = lookahead
          ? { inner: camel(c.kwargs.inner_kwargs), k: c.kwargs.k, alpha: c.kwargs.alpha }
          : camel(c.kwargs);
        // float64: the RAdam family's `float64_nocast` (gcopt computes float64 in float64, §3.4); float32 as recorded
        const float64Key = RADAM_FAMILY.includes(recorded.optimizer) ? 'float64_nocast' : 'float64';
        const runs = [
          { dtype: 'float64', key: float64Key, eps: EPS64 },
          { dtype: 'float32', key: 'float32', eps: EPS32 },
        ] as const;
        for (const run of runs) {
          const data: Json = inputs[run.dtype];
          const params = inputs.params.map((p: Json, i: number) => ({
            shape: p.shape,
            outAxis: 0,
            data: data.init[i],
          }));
          const precision = { storage: run.eps, accumulation: run.eps };
          const oracle = oracleOptimizer(name, lookahead ? 'wrapper' : family, hyper, params, precision);
          const defaultLr = recorded.optimizer.startsWith('Adagrad') ? 1e-2 : 1e-3;
          const lr = (lookahead ? hyper.inner.lr : hyper.lr) ?? defaultLr;
          for (let t = 0; t < c.steps; t++) {
            const expected = oracle.step(data.grads[t], lr);
            c[run.key].params[t].forEach((values: number[], i: number) => {
              values.forEach((v, j) => {
                const value = run.dtype === 'float32' ? Math.fround(v) : v;
                const where = `${c.id} ${run.key} step ${t + 1} ${inputs.params[i].name}[${j}]`;
                const range = `[${expected[i].lo[j]}, ${expected[i].hi[j]}]`;
                expect(contains(expected[i], j, value), `${where}: ${value} ∉ ${range}`).toBe(true);
                checked++;
              });
            });
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

describe('the oracle is independent of what it judges', () => {
  it('src/oracle/ imports nothing but its own files', () => {
    for (const file of readdirSync(oracleDir)) {
      const text = readFileSync(`${oracleDir}${file}`, 'utf8');
      const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]);
      expect(
        specifiers.filter((s) => !s.startsWith('./')),
        file,
      ).toEqual([]);
    }
  });
});
