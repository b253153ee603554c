import { buildGradientModel, type NetworkSpec } from '../../src/builder/buildGradientModel.js';
import { createRandom } from '../../src/builder/initializers.js';
import { gradientName } from '../../src/contract/gradientModelContract.js';
import { defaultSessionOptions, type OrtModule } from '../../src/ortTypes.js';
import { referenceLoss } from './referenceForward.js';

export interface TensorCheck {
  name: string;
  /** ‖analytic − numeric‖₂ / max(‖analytic‖₂, ‖numeric‖₂) over the whole tensor. */
  relativeError: number;
  analyticNorm: number;
}

/**
 * Compares every gradient output of a built gradient model (each parameter, and the batch input)
 * with central finite differences of its own loss output: (L(θ+h) − L(θ−h)) / 2h, coordinate by coordinate.
 */
export async function gradientCheck(
  ort: OrtModule,
  spec: NetworkSpec<'float32' | 'float64'>,
  options: { h: number; batch?: number; seed?: number; reference?: boolean },
): Promise<TensorCheck[]> {
  const built = buildGradientModel({ ...spec, dropout: 'identity', inputGradient: true });
  const floatType = spec.dtype ?? 'float32';
  const Data = floatType === 'float64' ? Float64Array : Float32Array;
  const session = await ort.InferenceSession.create(built.gradientModel, defaultSessionOptions);
  const random = createRandom(options.seed ?? 7);
  const batch = options.batch ?? 3;
  const inputSize = built.inputShape.reduce((a, b) => a * b, 1);
  const classes = built.outputShape.reduce((a, b) => a * b, 1);
  const tensors = new Map<string, { data: Float32Array | Float64Array; dims: number[] }>();
  tensors.set('input', {
    data: Data.from({ length: batch * inputSize }, () => 2 * random() - 1),
    dims: [batch, ...built.inputShape],
  });
  const labels = new Data(batch * classes);
  for (let n = 0; n < batch; n++) {
    if (spec.loss === 'softmaxCrossEntropy') labels[n * classes + Math.floor(random() * classes)] = 1;
    else for (let k = 0; k < classes; k++) labels[n * classes + k] = 2 * random() - 1;
  }
  tensors.set('labels', { data: labels, dims: [batch, ...built.outputShape] });
  for (const p of built.params) tensors.set(p.name, { data: p.data, dims: p.shape });

  const run = async () => {
    const feeds: Record<string, InstanceType<OrtModule['Tensor']>> = {};
    for (const [name, t] of tensors) feeds[name] = new ort.Tensor(floatType, t.data, t.dims);
    return session.run(feeds);
  };
  const analytic = await run();
  // With `reference`, the loss is recomputed by the float64 JS forward pass (referenceForward.ts)
  // instead of the model: float32 gradients then meet float64 finite differences.
  const referenceLossNow = () => {
    const params = built.params.map((p) => ({ shape: p.shape, data: Float64Array.from(tensors.get(p.name)!.data) }));
    const input = tensors.get('input')!;
    return referenceLoss(
      spec.layers,
      spec.loss,
      { data: Float64Array.from(input.data), shape: input.dims },
      params,
      Float64Array.from(labels),
    );
  };
  const checks: TensorCheck[] = [];
  for (const name of ['input', ...built.params.map((p) => p.name)]) {
    const values = tensors.get(name)!.data;
    const grad = analytic[gradientName(name)].data as Float32Array | Float64Array;
    let diff2 = 0,
      a2 = 0,
      n2 = 0;
    for (let i = 0; i < values.length; i++) {
      const saved = values[i];
      let numeric: number;
      if (options.reference) {
        // Perturb a float64 copy: the reference pass reads tensors through Float64Array.from.
        const exact = Float64Array.from(values);
        const shadow = { data: exact, dims: tensors.get(name)!.dims };
        const original = tensors.get(name)!;
        tensors.set(name, shadow);
        exact[i] = saved + options.h;
        const plus = referenceLossNow();
        exact[i] = saved - options.h;
        const minus = referenceLossNow();
        tensors.set(name, original);
        numeric = (plus - minus) / (2 * options.h);
      } else {
        // Read the perturbed values back: in float32 the stored step differs from h.
        values[i] = saved + options.h;
        const up = values[i];
        const plus = ((await run()).loss.data as Float64Array)[0];
        values[i] = saved - options.h;
        const down = values[i];
        const minus = ((await run()).loss.data as Float64Array)[0];
        values[i] = saved;
        numeric = (plus - minus) / (up - down);
      }
      diff2 += (grad[i] - numeric) ** 2;
      a2 += grad[i] ** 2;
      n2 += numeric ** 2;
    }
    checks.push({
      name,
      relativeError: Math.sqrt(diff2) / Math.max(Math.sqrt(a2), Math.sqrt(n2), 1e-300),
      analyticNorm: Math.sqrt(a2),
    });
  }
  await session.release();
  return checks;
}
