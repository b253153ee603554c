/**
 * The gradient-model contract: an ONNX model gcopt can train.
 *
 * Graph inputs: the batch, the labels (targets), and every trainable parameter.
 * Graph outputs: the scalar loss, and for each parameter `p` its gradient `grad.p` (same shape);
 * optionally the model's output (e.g. logits), to measure accuracy while training.
 * `metadata_props` name these and carry each parameter's GC metadata:
 *
 * | key | value |
 * |---|---|
 * | `gcopt.contract` | `gradient-model/1` |
 * | `gcopt.input` | name of the batch input |
 * | `gcopt.labels` | name of the labels input |
 * | `gcopt.loss` | name of the loss output |
 * | `gcopt.output` | (optional) name of the model-output output |
 * | `gcopt.param.<p>.out_axis` | GC output axis of parameter `p` (integer; -1 = last) |
 * | `gcopt.param.<p>.gc` | `true` or `false`: whether GC applies to `p` |
 *
 * Every other graph input is a parameter. A parameter without `out_axis` metadata gets it from the
 * first node that consumes it (see `inferOutAxis`); without `gc` metadata GC applies to rank ≥ 2.
 * Initializers named like a parameter input are that parameter's initial values.
 */
export const CONTRACT_VERSION = 'gradient-model/1';

/** The `metadata_props` keys of the gradient-model contract. */
export const metadataKeys = {
  contract: 'gcopt.contract',
  input: 'gcopt.input',
  labels: 'gcopt.labels',
  loss: 'gcopt.loss',
  output: 'gcopt.output',
  outAxis: (param: string) => `gcopt.param.${param}.out_axis`,
  gc: (param: string) => `gcopt.param.${param}.gc`,
} as const;

/** The name of the graph output that carries the gradient of the loss w.r.t. `param`. */
export function gradientName(param: string): string {
  return `grad.${param}`;
}

export interface ContractNames {
  input: string;
  labels: string;
  loss: string;
  output?: string;
}

/** Writes the contract's metadata entries. */
export function contractMetadata(
  names: ContractNames,
  params: { name: string; outAxis: number; gc: boolean }[],
): { key: string; value: string }[] {
  const entries: { key: string; value: string }[] = [
    { key: metadataKeys.contract, value: CONTRACT_VERSION },
    { key: metadataKeys.input, value: names.input },
    { key: metadataKeys.labels, value: names.labels },
    { key: metadataKeys.loss, value: names.loss },
  ];
  if (names.output) entries.push({ key: metadataKeys.output, value: names.output });
  for (const p of params) {
    entries.push({ key: metadataKeys.outAxis(p.name), value: String(p.outAxis) });
    entries.push({ key: metadataKeys.gc(p.name), value: String(p.gc) });
  }
  return entries;
}
