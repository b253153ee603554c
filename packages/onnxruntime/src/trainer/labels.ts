import type { LabelsType } from '../contract/readGradientModel.js';

/** Labels as a caller hands them: class indices (any integer array) or full float targets. */
export type Labels = Float32Array | Uint8Array | Uint16Array | Int32Array | readonly number[];

/** What the labels input of the gradient model is fed: float targets, or class indices. */
export type LabelFeed =
  | { type: 'float32'; data: Float32Array }
  | { type: 'int64'; data: BigInt64Array }
  | { type: 'int32'; data: Int32Array };

/**
 * Turns a batch's labels into the feed of the model's labels input. Float models take targets:
 * class indices become one-hot rows of `rowSize`, a Float32Array of `count × rowSize` passes through.
 * Integer models take the class indices themselves, checked against `classCount` when it is known.
 */
export function labelFeed(
  labels: Labels,
  count: number,
  type: LabelsType,
  rowSize: number,
  classCount: number | undefined,
): LabelFeed {
  if (type === 'float' && labels instanceof Float32Array && labels.length === count * rowSize)
    return { type: 'float32', data: labels };
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number' || labels.length !== count) {
    const got =
      labels === null || typeof labels !== 'object'
        ? String(labels)
        : `${(labels as { length?: number }).length} values`;
    if (type === 'float')
      throw new Error(
        `batch.labels: expected ${count} class indices or a Float32Array of ${count * rowSize} targets, got ${got}`,
      );
    throw new Error(`batch.labels: this model takes ${count} class indices (its labels input is ${type}), got ${got}`);
  }
  const classes = type === 'float' ? rowSize : classCount;
  const indices = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const value: unknown = labels[n];
    // only numbers are indices: Number(null) is 0 and Number('1') is 1, which would train silently
    const c = typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : Number.NaN;
    if (!Number.isInteger(c) || c < 0 || (classes !== undefined && c >= classes)) {
      throw new Error(
        `batch.labels[${n}]: class index ${typeof value === 'string' ? JSON.stringify(value) : String(value)} is ` +
          (classes === undefined ? 'not a non-negative integer' : `outside 0..${classes - 1}`),
      );
    }
    indices[n] = c;
  }
  if (type === 'int64') return { type: 'int64', data: BigInt64Array.from(indices, (c) => BigInt(c)) };
  if (type === 'int32') return { type: 'int32', data: indices };
  const oneHot = new Float32Array(count * rowSize);
  indices.forEach((c, n) => (oneHot[n * rowSize + c] = 1));
  return { type: 'float32', data: oneHot };
}

/** Indices out of range, found once the output tells the class count (integer labels, none declared). */
export function checkIndicesBelow(feed: LabelFeed, classes: number): void {
  if (feed.type === 'float32') return;
  for (let n = 0; n < feed.data.length; n++) {
    const c = Number(feed.data[n]);
    if (c >= classes)
      throw new Error(
        `batch.labels[${n}]: class index ${c} is outside 0..${classes - 1} (the model outputs ${classes} classes)`,
      );
  }
}
