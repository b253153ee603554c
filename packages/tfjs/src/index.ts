/**
 * Every gcopt optimizer as a drop-in `tf.Optimizer` for TensorFlow.js
 * (`model.compile({ optimizer: new Adam_GC2({ learningRate: 1e-3 }), … })`, `model.fit`,
 * `optimizer.minimize`), under the reference names. `@tensorflow/tfjs-core` is a peer dependency:
 * the application's own tfjs (and backend) is used.
 *
 * @module @gcopt/tfjs
 */
import { registerGcoptClass } from './classRegistry.js';
import { Lookahead } from './lookahead.js';
import { referenceClasses } from './referenceOptimizers.js';
import type { Family } from '@gcopt/core';
import { InvalidArgumentError } from '@gcopt/core';
import type { GcOptimizer } from './gcOptimizer.js';

export { GcOptimizer, type AdapterOptions } from './gcOptimizer.js';
export type { StepBackend } from './backends/stepItem.js';
export type { HostKernels } from './backends/fastHostBackend.js';
export {
  SGD_GC,
  SGD_GCC,
  SGDW,
  SGDW_GC,
  SGDW_GCC,
  Adam_GC,
  Adam_GCC,
  Adam_GC2,
  Adam_GCC2,
  AdamW_FirstRelease,
  AdamW_GC,
  AdamW_GCC,
  AdamW_GC2,
  AdamW_GCC2,
  Adagrad_GC,
  Adagrad_GCC,
  SGD,
  Adam,
  AdamW,
  RAdam,
  PlainRAdam,
  Ranger,
  CLASS_NAME_PREFIX,
  type TfjsOptions,
} from './referenceOptimizers.js';
export { Lookahead, type LookaheadTfjsOptions } from './lookahead.js';
export { optimizerFromConfig, camelCasedName } from './classRegistry.js';
export { tfjsLayerRules, TFJS_OUT_AXIS, type VariableRule, type VariableLayout } from './variableRules.js';
export { DuplicateTfjsCoreError } from './variableLookup.js';

for (const { cls } of referenceClasses) registerGcoptClass(cls);
registerGcoptClass(Lookahead);

/**
 * Creates a tfjs optimizer by reference name, e.g. `optimizerByName('Adam_GC2', { learningRate: 1e-3 })`.
 * `AdamW` is the advanced one unless `family` is `'first_release'`. Lookahead needs an inner optimizer: use its class.
 */
export function optimizerByName(name: string, options: Record<string, unknown> = {}, family?: Family): GcOptimizer {
  const matches = referenceClasses.filter((e) => e.name === name && (family === undefined || e.family === family));
  const found = matches.find((e) => e.family === 'advanced') ?? matches[0];
  if (!found) {
    throw new InvalidArgumentError(
      'name',
      name,
      `no such optimizer; known: ${[...new Set(referenceClasses.map((e) => e.name))].join(', ')} (and the class ` +
        `Lookahead)`,
    );
  }
  return new (found.cls as unknown as new (o: Record<string, unknown>) => GcOptimizer)(options);
}
