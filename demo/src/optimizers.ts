import type { Family } from '@gcopt/core';

/**
 * One optimizer of the demo: a reference optimizer by name, with the hyper-parameters the demo
 * trains it with. Each GC variant gets exactly the hyper-parameters of its non-GC baseline, so the
 * only difference inside a pair is the centralization.
 */
export interface DemoOptimizer {
  /** The label printed in the table and the plot. */
  readonly label: string;
  /** Reference class name understood by `createOptimizer` of @gcopt/core. */
  readonly name: string;
  /** Needed where a name exists in both families (`AdamW`). */
  readonly family: Family;
  /** gcopt camelCase options. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The label of the non-GC optimizer this one is compared with (undefined for a baseline). */
  readonly baseline?: string;
}

const SGD_HYPER = { lr: 0.05, momentum: 0.9 } as const;
const ADAM_HYPER = { lr: 1e-3 } as const;
const ADAMW_HYPER = { lr: 1e-3, weightDecay: 1e-2 } as const;

/**
 * The pairs of the reference compared by default. The baselines are the same recipes with GC off:
 * advanced `SGD` with `useGc: false` is torch.optim.SGD (= SGD_GC without GC); advanced `Adam` with
 * `useGc: false` is the first-release Adam_GC/Adam_GC2 update without GC (coupled L2, eps after the
 * bias correction); the first-release `AdamW` is AdamW_GC2 without GC.
 */
export const DEMO_OPTIMIZERS: readonly DemoOptimizer[] = [
  { label: 'SGD', name: 'SGD', family: 'advanced', options: { ...SGD_HYPER, useGc: false } },
  { label: 'SGD_GC', name: 'SGD_GC', family: 'first_release', options: SGD_HYPER, baseline: 'SGD' },
  { label: 'Adam', name: 'Adam', family: 'advanced', options: { ...ADAM_HYPER, useGc: false } },
  { label: 'Adam_GC', name: 'Adam_GC', family: 'first_release', options: ADAM_HYPER, baseline: 'Adam' },
  { label: 'Adam_GC2', name: 'Adam_GC2', family: 'first_release', options: ADAM_HYPER, baseline: 'Adam' },
  { label: 'AdamW', name: 'AdamW', family: 'first_release', options: ADAMW_HYPER },
  { label: 'AdamW_GC2', name: 'AdamW_GC2', family: 'first_release', options: ADAMW_HYPER, baseline: 'AdamW' },
];

export function findDemoOptimizer(label: string): DemoOptimizer | undefined {
  return DEMO_OPTIMIZERS.find((o) => o.label.toLowerCase() === label.toLowerCase());
}

/** "lr=0.05, momentum=0.9" — for the report. */
export function describeHyper(o: DemoOptimizer): string {
  return Object.entries(o.options)
    .filter(([k]) => k !== 'useGc')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}
