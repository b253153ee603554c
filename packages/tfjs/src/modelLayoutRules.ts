import type { VariableRule } from './variableRules.js';

/** Layer classes whose kernel is `[k…, out, in]`: output channels on axis -2. */
export const TRANSPOSED_KERNEL_CLASSES: readonly string[] = ['Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose'];

/** The slice of a tfjs-layers model (or layer) read here; duck-typed, so no import of tfjs-layers. */
interface LayerLike {
  getClassName?: () => string;
  layers?: unknown[];
  layer?: unknown;
  kernel?: { originalName?: string; name?: string };
}

/** A tfjs-layers model: something with a `layers` array (Sequential, functional, loaded). */
export function isLayersModel(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as LayerLike).layers);
}

/**
 * Rules read from the model's layers by class, whatever their names: the kernel of every
 * transposed convolution, in nested models and wrapper layers too, gets outAxis -2. Rules are by
 * the kernel's original name (`up/kernel`), which also matches the `up/kernel_N` copies of a
 * rebuilt or reloaded model. Read when needed, since layers build their kernels lazily.
 */
export function modelLayoutRules(model: unknown): VariableRule[] {
  const rules: VariableRule[] = [];
  const seen = new Set<unknown>();
  const visit = (layer: unknown) => {
    if (typeof layer !== 'object' || layer === null || seen.has(layer)) return;
    seen.add(layer);
    const l = layer as LayerLike;
    const className = typeof l.getClassName === 'function' ? l.getClassName() : undefined;
    const kernelName = l.kernel?.originalName ?? l.kernel?.name;
    if (className && TRANSPOSED_KERNEL_CLASSES.includes(className) && kernelName)
      rules.push({ name: kernelName, outAxis: -2 });
    if (Array.isArray(l.layers)) l.layers.forEach(visit);
    if (l.layer) visit(l.layer);
  };
  visit(model);
  return rules;
}
