import { Adam, createOptimizer, Lookahead, referenceOptimizers, SGD, type Optimizer } from '../src/index.js';

/** Options that make each reference optimizer take visible steps on a toy problem. */
const OPTIONS: Record<string, Record<string, unknown>> = {
  SGD_GC: { lr: 0.1, momentum: 0.9, weightDecay: 1e-3, nesterov: true },
  SGD_GCC: { lr: 0.1, momentum: 0.5 },
  SGDW: { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 },
  SGDW_GC: { lr: 0.1, momentum: 0.9, weightDecay: 1e-3 },
  SGDW_GCC: { lr: 0.1, dampening: 0.1, momentum: 0.9 },
  Adagrad_GC: { lr: 0.3, weightDecay: 1e-3 },
  Adagrad_GCC: { lr: 0.3, lrDecay: 0.01 },
  SGD: { lr: 0.1, momentum: 0.9, useGc: true },
  RAdam: { lr: 0.05, useGc: true },
  PlainRAdam: { lr: 0.3, useGc: true },
  Ranger: { lr: 0.05, useGc: true, k: 3 },
};
const ADAM_LIKE = { lr: 0.05, weightDecay: 1e-3 };

/**
 * Options under which a reference optimizer takes visible steps on the test models (SGD needs an
 * lr; the advanced ones switch GC on). Shared with the adapters' tests (packages/float32/test).
 */
export function visibleStepOptions(name: string, family: 'first_release' | 'advanced'): Record<string, unknown> {
  return OPTIONS[name] ?? { ...ADAM_LIKE, ...(family === 'advanced' ? { useGc: true } : {}) };
}

export interface CatalogEntry {
  readonly label: string;
  readonly create: (extra?: Record<string, unknown>) => Optimizer;
}

/** Every optimizer gcopt has: the 22 reference classes and Lookahead around SGD and Adam. */
export function optimizerCatalog(): CatalogEntry[] {
  const entries: CatalogEntry[] = referenceOptimizers.map((r) => ({
    label: `${r.family}/${r.name}`,
    create: (extra = {}) => createOptimizer(r.name, { ...visibleStepOptions(r.name, r.family), ...extra }, r.family),
  }));
  entries.push({
    label: 'advanced/Lookahead(SGD)',
    create: (extra = {}) =>
      Lookahead(SGD({ lr: 0.1, momentum: 0.9, useGc: true, ...extra }), { k: 2, onWarning: extra.onWarning as never }),
  });
  entries.push({
    label: 'advanced/Lookahead(Adam)',
    create: (extra = {}) =>
      Lookahead(Adam({ lr: 0.05, useGc: true, ...extra }), { k: 3, alpha: 0.8, onWarning: extra.onWarning as never }),
  });
  return entries;
}
