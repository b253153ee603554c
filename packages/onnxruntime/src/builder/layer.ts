import type { GraphBuilder } from './graphBuilder.js';

/** A trainable tensor of a built model, with the GC metadata the optimizers need. */
export interface ParamInit {
  name: string;
  shape: number[];
  /** Initial values (row-major), in the model's float type. */
  values: Float64Array;
  /** The output-channel axis GC keeps (ONNX Conv [M,C,kh,kw] → 0; Gemm weight [K,N] → 1). */
  outAxis: number;
  /** Whether GC applies to this tensor (false for biases). */
  gc: boolean;
}

/** Whether a graph is the training (gradient) graph or the inference graph. */
export type GraphMode = 'train' | 'infer';

/** What a layer's forward pass leaves for its backward pass. */
export interface ForwardResult {
  output: string;
  saved: Partial<Record<string, string>>;
}

/**
 * A layer placed in a network: its shapes are known, its parameters initialized. It writes its
 * forward pass and its backward pass (as standard ONNX ops) into a graph.
 */
export interface PlannedLayer {
  readonly name: string;
  /** Output shape without the batch dimension. */
  readonly outShape: number[];
  readonly params: ParamInit[];
  forward(g: GraphBuilder, input: string, mode: GraphMode): ForwardResult;
  /**
   * Writes the backward pass: from the gradient of the loss w.r.t. this layer's output, the
   * gradient w.r.t. each parameter (by parameter name) and, when `wantInputGrad`, w.r.t. the input.
   */
  backward(
    g: GraphBuilder,
    input: string,
    forward: ForwardResult,
    outputGrad: string,
    wantInputGrad: boolean,
  ): LayerGradients;
}

export interface LayerGradients {
  inputGrad?: string;
  paramGrads: Record<string, string>;
}

/** What planning a layer needs: the input shape (no batch dimension), a name, a random source. */
export interface PlanContext {
  inShape: number[];
  name: string;
  random: () => number;
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function expectRank(layer: string, inShape: number[], rank: number, hint: string): void {
  if (inShape.length !== rank) {
    throw new Error(
      `${layer}: expects an input of rank ${rank} (without the batch dimension), got [${inShape.join(', ')}]; ${hint}`,
    );
  }
}
