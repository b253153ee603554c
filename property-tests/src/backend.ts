import type { DType, Family, Optimizer } from '@gcopt/core';
import type { CentralizationImplementation } from './centralization/implementation.js';
import type { OptimizerInstance, OptimizerSubjectOptions, ParamSpec, ValueCaseSupport } from './optimizer/instance.js';

/**
 * One implementation of gcopt to run the whole suite against. A backend offers any of: a GC
 * projection, optimizers by reference name (driven through `OptimizerInstance`), and core-interface
 * optimizers (pure `step` + `stepInPlace`). The suite registers backends in one list
 * (test/backends.ts) and runs every property on each; nothing is copied per backend.
 */
export interface Backend {
  readonly name: string;
  readonly centralization?: CentralizationImplementation;
  readonly optimizers?: OptimizerBackend;
  /** Core-interface optimizers, for the pure/in-place agreement properties. */
  readonly coreOptimizers?: (name: string, family: Family | 'wrapper', hyper: Record<string, any>) => Optimizer;
}

/** An implementation of the reference optimizers that the whole optimizer suite runs on (core, float32, tfjs…). */
export interface OptimizerBackend extends OptimizerSubjectOptions {
  /** Whether it implements this reference optimizer (`Lookahead(SGD)` etc. for the wrapper). */
  supports(name: string, family: Family | 'wrapper'): boolean;
  create(
    name: string,
    family: Family | 'wrapper',
    hyper: Record<string, any>,
    params: readonly ParamSpec[],
  ): OptimizerInstance | Promise<OptimizerInstance>;
  /**
   * A smaller budget for slow backends (a GPU kernel compiles per instance): cases per property and
   * case size. The soak (`GCOPT_PROPERTY_SOAK=1`) multiplies `numRuns` like the default's.
   */
  readonly budget?: { readonly numRuns?: number; readonly maxSteps?: number; readonly maxSize?: number };
  /**
   * Per optimizer, what the value cases may draw when it differs from `valueCases` (e.g. a case one of
   * its optimizers cannot run yet).
   */
  valueCasesFor?(name: string, family: Family | 'wrapper'): ValueCaseSupport | undefined;
  /** Whether instances describe their state (`stateShapes`). */
  readonly describesState?: boolean;
  readonly dtypes?: readonly DType[];
}
