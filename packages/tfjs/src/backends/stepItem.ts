import type * as tf from '@tensorflow/tfjs-core';
import type { VariableLayout } from '../variableRules.js';

/** One optimized variable and its state: slots are non-trainable tf.Variables, updated with `assign`. */
export interface VariableEntry {
  readonly variable: tf.Variable;
  readonly shape: number[];
  readonly layout: VariableLayout;
  /** Completed steps of this variable (the reference's `state['step']`). */
  step: number;
  readonly slots: Map<string, tf.Variable>;
}

/** A variable in this step, with its gradient (null: no gradient, only Lookahead's sync runs). */
export interface StepItem {
  readonly name: string;
  readonly entry: VariableEntry;
  readonly grad: tf.Tensor | null;
}

/** Where a step is computed: `host` runs the core on the values; `tensor` runs the recipe as tf ops. */
export type StepBackend = 'host' | 'tensor';

export function normalizedAxis(axis: number, rank: number): number {
  if (rank === 0) return 0;
  return axis < 0 ? rank + axis : axis;
}
