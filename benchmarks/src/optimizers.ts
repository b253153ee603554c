import type { FloorPattern } from './streamFloor.js';
import { Adagrad_GC, Adam, Adam_GC, Adam_GCC2, AdamW_GC2, SGD_GC, type Optimizer } from '@gcopt/core';

/**
 * One optimizer configuration, run identically by every implementation.
 * `bytesPerParam` is the float32 DRAM traffic a step cannot avoid: the parameter, the gradient and
 * every state array read once, parameter and state written once (GC's row sums can be taken in the
 * same read, so GC adds no DRAM bytes). `floor` is the streaming kernel with that access pattern.
 */
export interface BenchOptimizer {
  /** The reference class name (and the key the PyTorch and tfjs baselines dispatch on). */
  readonly name: string;
  readonly kwargs: Record<string, number>;
  readonly make: () => Optimizer;
  readonly bytesPerParam: number;
  readonly centralizes: boolean;
  readonly floor: FloorPattern;
  /** Also run PyTorch's foreach form (torch.optim.Adam(foreach=True), GC by torch._foreach_* ops). */
  readonly torchForeach?: boolean;
}

const quiet = { onWarning: () => {} };

export const BENCH_OPTIMIZERS: BenchOptimizer[] = [
  {
    name: 'SGD_GC',
    kwargs: { lr: 0.01, momentum: 0.9, weight_decay: 1e-4 },
    make: () => SGD_GC({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4, ...quiet }),
    bytesPerParam: 4 * (3 + 2), // reads p, g, buf; writes p, buf
    centralizes: true,
    floor: 'sgdMomentum',
  },
  {
    name: 'Adam_GC',
    kwargs: { lr: 1e-3 },
    make: () => Adam_GC({ lr: 1e-3, ...quiet }),
    bytesPerParam: 4 * (4 + 3), // reads p, g, m, v; writes p, m, v
    centralizes: true,
    floor: 'adam',
    torchForeach: true,
  },
  {
    name: 'Adam_GCC2',
    kwargs: { lr: 1e-3 },
    make: () => Adam_GCC2({ lr: 1e-3, ...quiet }),
    bytesPerParam: 4 * (4 + 3),
    centralizes: true,
    floor: 'adam',
  },
  {
    name: 'AdamW_GC2',
    kwargs: { lr: 1e-3, weight_decay: 1e-2 },
    make: () => AdamW_GC2({ lr: 1e-3, weightDecay: 1e-2, ...quiet }),
    bytesPerParam: 4 * (4 + 3),
    centralizes: true,
    floor: 'adam',
  },
  {
    name: 'Adagrad_GC',
    kwargs: { lr: 1e-2, initial_accumulator_value: 0.1 },
    make: () => Adagrad_GC({ lr: 1e-2, initialAccumulatorValue: 0.1, ...quiet }),
    bytesPerParam: 4 * (3 + 2), // reads p, g, sum; writes p, sum
    centralizes: true,
    floor: 'sgdMomentum',
  },
  {
    // the no-GC line: advanced Adam without GC is torch.optim.Adam's formula exactly
    name: 'Adam',
    kwargs: { lr: 1e-3 },
    make: () => Adam({ lr: 1e-3, ...quiet }),
    bytesPerParam: 4 * (4 + 3),
    centralizes: false,
    floor: 'adam',
    torchForeach: true,
  },
];
