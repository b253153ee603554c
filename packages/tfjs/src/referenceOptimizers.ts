import {
  createOptimizer,
  type AdagradOptions,
  type AdamOptions,
  type AdvancedAdamOptions,
  type AdvancedSgdOptions,
  type Family,
  type LearningRate,
  type RAdamOptions,
  type RangerOptions,
  type SgdOptions,
} from '@gcopt/core';
import { GcOptimizer, splitOptions, type AdapterOptions } from './gcOptimizer.js';

/** A core optimizer's options for tfjs: `lr` may be given as tfjs's `learningRate`, plus the adapter's options. */
export type TfjsOptions<O> = Omit<O, 'lr' | 'onWarning'> & { lr?: LearningRate } & AdapterOptions;

/** The class names tfjs serializes; prefixed so that `Adam` and `SGD` do not replace tfjs's own. */
export const CLASS_NAME_PREFIX = 'gcopt/';

/** One of the 22 option-only reference optimizers, built by the core's registry from its name. */
abstract class ReferenceOptimizer extends GcOptimizer {
  protected constructor(referenceName: string, family: Family, options: Record<string, unknown>) {
    const { core, adapter, awaitsSchedule } = splitOptions(referenceName, options);
    super(
      (lr) => createOptimizer(referenceName, lr === undefined ? core : { ...core, lr }, family),
      family,
      adapter,
      awaitsSchedule,
    );
  }
}

type Opts = Record<string, unknown>;

// First release (GC_code/CIFAR100/algorithm): SGD family
/** The core's `SGD_GC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.1). */
export class SGD_GC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGD_GC`;
  constructor(options: TfjsOptions<SgdOptions>) {
    super('SGD_GC', 'first_release', options as Opts);
  }
}
/** The core's `SGD_GCC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.1). */
export class SGD_GCC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGD_GCC`;
  constructor(options: TfjsOptions<SgdOptions>) {
    super('SGD_GCC', 'first_release', options as Opts);
  }
}
/** The core's `SGDW` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.2). */
export class SGDW extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGDW`;
  constructor(options: TfjsOptions<SgdOptions>) {
    super('SGDW', 'first_release', options as Opts);
  }
}
/** The core's `SGDW_GC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.2). */
export class SGDW_GC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGDW_GC`;
  constructor(options: TfjsOptions<SgdOptions>) {
    super('SGDW_GC', 'first_release', options as Opts);
  }
}
/** The core's `SGDW_GCC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.2). */
export class SGDW_GCC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGDW_GCC`;
  constructor(options: TfjsOptions<SgdOptions>) {
    super('SGDW_GCC', 'first_release', options as Opts);
  }
}

// First release: Adam family (coupled L2)
/** The core's `Adam_GC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.3). */
export class Adam_GC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adam_GC`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('Adam_GC', 'first_release', options as Opts);
  }
}
/** The core's `Adam_GCC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.3). */
export class Adam_GCC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adam_GCC`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('Adam_GCC', 'first_release', options as Opts);
  }
}
/** The core's `Adam_GC2` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.3). */
export class Adam_GC2 extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adam_GC2`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('Adam_GC2', 'first_release', options as Opts);
  }
}
/** The core's `Adam_GCC2` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.3). */
export class Adam_GCC2 extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adam_GCC2`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('Adam_GCC2', 'first_release', options as Opts);
  }
}

// First release: AdamW family (its plain AdamW is not the advanced AdamW)
/** The core's `AdamW_FirstRelease` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.4). */
export class AdamW_FirstRelease extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW_FirstRelease`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('AdamW', 'first_release', options as Opts);
  }
}
/** The core's `AdamW_GC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.4). */
export class AdamW_GC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW_GC`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('AdamW_GC', 'first_release', options as Opts);
  }
}
/** The core's `AdamW_GCC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.4). */
export class AdamW_GCC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW_GCC`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('AdamW_GCC', 'first_release', options as Opts);
  }
}
/** The core's `AdamW_GC2` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.4). */
export class AdamW_GC2 extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW_GC2`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('AdamW_GC2', 'first_release', options as Opts);
  }
}
/** The core's `AdamW_GCC2` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.4). */
export class AdamW_GCC2 extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW_GCC2`;
  constructor(options: TfjsOptions<AdamOptions> = {}) {
    super('AdamW_GCC2', 'first_release', options as Opts);
  }
}

// First release: Adagrad
/** The core's `Adagrad_GC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.5). */
export class Adagrad_GC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adagrad_GC`;
  constructor(options: TfjsOptions<AdagradOptions> = {}) {
    super('Adagrad_GC', 'first_release', options as Opts);
  }
}
/** The core's `Adagrad_GCC` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §2.5). */
export class Adagrad_GCC extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adagrad_GCC`;
  constructor(options: TfjsOptions<AdagradOptions> = {}) {
    super('Adagrad_GCC', 'first_release', options as Opts);
  }
}

// Advanced release (algorithm-GC/algorithm); Lookahead is in lookahead.ts
/** The core's `SGD` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.1). */
export class SGD extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}SGD`;
  constructor(options: TfjsOptions<AdvancedSgdOptions>) {
    super('SGD', 'advanced', options as Opts);
  }
}
/** The core's `Adam` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.2). */
export class Adam extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Adam`;
  constructor(options: TfjsOptions<AdvancedAdamOptions> = {}) {
    super('Adam', 'advanced', options as Opts);
  }
}
/** The core's `AdamW` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.3). */
export class AdamW extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}AdamW`;
  constructor(options: TfjsOptions<AdvancedAdamOptions> = {}) {
    super('AdamW', 'advanced', options as Opts);
  }
}
/** The core's `RAdam` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.4). */
export class RAdam extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}RAdam`;
  constructor(options: TfjsOptions<RAdamOptions> = {}) {
    super('RAdam', 'advanced', options as Opts);
  }
}
/** The core's `PlainRAdam` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.5). */
export class PlainRAdam extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}PlainRAdam`;
  constructor(options: TfjsOptions<RAdamOptions> = {}) {
    super('PlainRAdam', 'advanced', options as Opts);
  }
}
/** The core's `Ranger` as a `tf.Optimizer` (update rule: docs/ALGORITHMS.md §3.7). */
export class Ranger extends ReferenceOptimizer {
  static className = `${CLASS_NAME_PREFIX}Ranger`;
  constructor(options: TfjsOptions<RangerOptions> = {}) {
    super('Ranger', 'advanced', options as Opts);
  }
}

/** The 22 option-only classes by the core's reference name and family (for `optimizerByName`). */
export const referenceClasses = [
  { name: 'SGD_GC', family: 'first_release', cls: SGD_GC },
  { name: 'SGD_GCC', family: 'first_release', cls: SGD_GCC },
  { name: 'SGDW', family: 'first_release', cls: SGDW },
  { name: 'SGDW_GC', family: 'first_release', cls: SGDW_GC },
  { name: 'SGDW_GCC', family: 'first_release', cls: SGDW_GCC },
  { name: 'Adam_GC', family: 'first_release', cls: Adam_GC },
  { name: 'Adam_GCC', family: 'first_release', cls: Adam_GCC },
  { name: 'Adam_GC2', family: 'first_release', cls: Adam_GC2 },
  { name: 'Adam_GCC2', family: 'first_release', cls: Adam_GCC2 },
  { name: 'AdamW', family: 'first_release', cls: AdamW_FirstRelease },
  { name: 'AdamW_GC', family: 'first_release', cls: AdamW_GC },
  { name: 'AdamW_GCC', family: 'first_release', cls: AdamW_GCC },
  { name: 'AdamW_GC2', family: 'first_release', cls: AdamW_GC2 },
  { name: 'AdamW_GCC2', family: 'first_release', cls: AdamW_GCC2 },
  { name: 'Adagrad_GC', family: 'first_release', cls: Adagrad_GC },
  { name: 'Adagrad_GCC', family: 'first_release', cls: Adagrad_GCC },
  { name: 'SGD', family: 'advanced', cls: SGD },
  { name: 'Adam', family: 'advanced', cls: Adam },
  { name: 'AdamW', family: 'advanced', cls: AdamW },
  { name: 'RAdam', family: 'advanced', cls: RAdam },
  { name: 'PlainRAdam', family: 'advanced', cls: PlainRAdam },
  { name: 'Ranger', family: 'advanced', cls: Ranger },
] as const satisfies readonly { name: string; family: Family; cls: new (options: never) => GcOptimizer }[];
