/**
 * The slice of the onnxruntime JS API gcopt uses. Both `onnxruntime-node` and `onnxruntime-web`
 * satisfy it, so the runtime is injected rather than imported: the same code trains in Node and
 * in the browser.
 */
export interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
  readonly type: string;
}

/** The part of an ONNX Runtime `InferenceSession` the trainer uses. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The part of `onnxruntime-node` / `onnxruntime-web` the trainer uses (pass the module itself). */
export interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (
    type: 'float32' | 'float64' | 'int64' | 'int32',
    data: Float32Array | Float64Array | BigInt64Array | Int32Array,
    dims: readonly number[],
  ) => OrtTensor;
}

/** Session options gcopt uses: quiet logs (ORT warns about constants it folds away). */
export const defaultSessionOptions: Record<string, unknown> = { logSeverityLevel: 3 };
