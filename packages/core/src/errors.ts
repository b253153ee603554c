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
    context = '',
  ) {
    super(`${context ? `${context}: ` : ''}${param} = ${formatValue(value)} rejected: ${referenceMessage}`);
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
  ) {
    super(
      `gradient of parameter ${paramName ?? `#${paramIndex}`} holds ${value} at flat index ${elementIndex}; ` +
        'the step was not applied (parameters and state are unchanged)',
    );
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
