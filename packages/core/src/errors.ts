/** Base class of every error gcopt throws on purpose. */
export class GcoptError extends Error {
  override name = 'GcoptError';
}

/**
 * An argument was rejected. `param` names it (camelCase, as in gcopt's API), `value` is what was
 * passed, and `referenceMessage` is the message the original PyTorch code raises for the same
 * argument (formatted the way Python prints it), where the original rejects it too.
 */
export class InvalidArgumentError extends GcoptError {
  override name = 'InvalidArgumentError';
  constructor(
    readonly param: string,
    readonly value: unknown,
    readonly referenceMessage: string,
    /** Who rejected it (an optimizer name, a group), the message's prefix; '' for none. */
    readonly context = '',
  ) {
    super(`${context ? `${context}: ` : ''}${param} = ${formatValue(value)} rejected: ${referenceMessage}`);
  }

  /**
   * The same rejection naming the option as the caller's user wrote it: an adapter that passes
   * its `learningRate` on as the core's `lr` reports `withParam('learningRate')`.
   */
  withParam(param: string, context = this.context): InvalidArgumentError {
    return new InvalidArgumentError(param, this.value, this.referenceMessage, context);
  }
}

/** Parameters, gradients and state do not fit together (length, shape, count, dtype, kind). */
export class ShapeMismatchError extends GcoptError {
  override name = 'ShapeMismatchError';
}

/** A gradient holds NaN or ±Infinity. Nothing was changed by the step that found it. */
export class NonFiniteGradientError extends GcoptError {
  override name = 'NonFiniteGradientError';
  constructor(
    readonly paramIndex: number,
    readonly paramName: string | undefined,
    readonly elementIndex: number,
    readonly value: number,
    /** Set when `value` is finite but overflows the parameter's precision (a float64 gradient of float32 weights). */
    readonly storedAs?: 'float32',
  ) {
    const overflow = storedAs && Number.isFinite(value);
    const cast = overflow ? ` (${Math.fround(value)} as ${storedAs}, the parameter's precision)` : '';
    super(
      `gradient of parameter ${paramName ?? `#${paramIndex}`} holds ${value} at flat index ${elementIndex}${cast}; ` +
        'the step was not applied (parameters and state are unchanged)',
    );
  }
}

const MAX_LISTED = 8;

/**
 * A value as the user would write it: JSON-like, but NaN and ±Infinity stay NaN and ±Infinity at
 * any depth (JSON.stringify prints them as null), long arrays are cut short and typed arrays,
 * functions and class instances are described rather than dumped.
 */
function formatValue(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'boolean' || v === undefined || v === null || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'function') return v.name ? `[function ${v.name}]` : '[function]';
  if (typeof v === 'symbol') return v.toString();
  if (v instanceof RegExp) return String(v);
  if (ArrayBuffer.isView(v)) {
    return `${v.constructor.name}(${(v as unknown as { length?: number }).length ?? v.byteLength})`;
  }
  if (depth >= 3) return Array.isArray(v) ? `Array(${v.length})` : '{…}';
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_LISTED).map((x) => formatValue(x, depth + 1));
    if (v.length > MAX_LISTED) shown.push(`… ${v.length - MAX_LISTED} more`);
    return `[${shown.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return `[${(v as object).constructor?.name ?? 'object'}]`;
  const entries = Object.entries(v as object);
  const shown = entries.slice(0, MAX_LISTED).map(([k, x]) => `${JSON.stringify(k)}:${formatValue(x, depth + 1)}`);
  if (entries.length > MAX_LISTED) shown.push(`… ${entries.length - MAX_LISTED} more`);
  return `{${shown.join(',')}}`;
}
