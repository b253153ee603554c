/**
 * The `gc-golden/1` trajectory format (docs/ALGORITHMS.md §0): what an optimizer did, step by step, recorded from
 * PyTorch. Flattening is row-major of the PyTorch shape; the output channel is axis 0.
 */
export interface GoldenParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
}

/** The initial values and gradient sequences of one precision in `inputs.json` (docs/ALGORITHMS.md §0.3). */
export interface GoldenPrecisionInputs {
  /** [P][flat] initial values. */
  readonly init: number[][];
  /** [steps][P][flat] gradients handed to step t. */
  readonly grads: number[][][];
}

/** `inputs.json`: the parameters and gradients shared by every golden case (docs/ALGORITHMS.md §0.3). */
export interface GoldenInputs {
  readonly schema: 'gc-golden/1';
  readonly params: readonly GoldenParamInfo[];
  readonly max_steps: number;
  readonly float64: GoldenPrecisionInputs;
  readonly float32: GoldenPrecisionInputs;
}

/** A tensor of recorded optimizer state: its dtype and row-major values. */
export interface GoldenTensor {
  readonly dtype: string;
  readonly data: number[];
}

/** One recorded trajectory of a case in one precision (docs/ALGORITHMS.md §0.4). */
export interface GoldenRun {
  /** [steps][P][flat]: every parameter after each step. */
  readonly params: number[][][];
  /** Per parameter, after the last step: numbers (step) and tensors. */
  readonly state?: Record<string, number | GoldenTensor>[];
  readonly grad_mutated?: boolean[];
  readonly group_state?: Record<string, unknown>;
}

/** One case of a golden file: the reference's keyword arguments and what it did with them. */
export interface GoldenCase {
  readonly id: string;
  readonly kwargs: Record<string, unknown>;
  readonly steps: number;
  readonly float64: GoldenRun;
  readonly float32: GoldenRun;
  /** RAdam/PlainRAdam/Ranger: the reference without its float32 casts (compare float64 here tightly). */
  readonly float64_nocast?: GoldenRun;
}

/** Arguments the reference rejects, with its error and message (docs/ALGORITHMS.md §4). */
export interface GoldenError {
  readonly kwargs: Record<string, unknown>;
  readonly error: string;
  readonly message: string;
  /** 'step' when the reference raises in step() rather than in the constructor. */
  readonly phase?: 'step';
  readonly step?: number;
}

/** `<family>/<Class>.json`: one reference optimizer's recorded cases, errors and accepted odd arguments. */
export interface GoldenFile {
  readonly schema: 'gc-golden/1';
  readonly optimizer: string;
  readonly family: 'first_release' | 'advanced';
  readonly params: readonly GoldenParamInfo[];
  readonly cases: readonly GoldenCase[];
  readonly errors?: readonly GoldenError[];
  readonly accepted?: readonly { kwargs: Record<string, unknown> }[];
}

/** docs/ALGORITHMS.md §0.5 tolerances on `|a−b| / max(1, |b|)`. */
export const TOLERANCE = {
  float64: 1e-12,
  float32: 1e-5,
  /** The `float64` key of files that also have `float64_nocast`: the reference computed in float32. */
  float64CastToFloat32: 1e-5,
} as const;
