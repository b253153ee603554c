import { InvalidArgumentError } from '../errors.js';
import { pythonFloat } from '../reference/pythonFormat.js';
import type { LearningRate } from './types.js';

/**
 * Argument checks, in the order and with the messages of the reference code (docs/ALGORITHMS.md §4): the first
 * failure throws an InvalidArgumentError naming the parameter; `referenceMessage` is the original's
 * ValueError text. Non-numbers and NaN are rejected too (the reference lets some NaNs through).
 */
export class Checker {
  constructor(private readonly optimizer: string) {}

  fail(param: string, value: unknown, referenceMessage: string): never {
    throw new InvalidArgumentError(param, value, referenceMessage, this.optimizer);
  }

  number(param: string, value: unknown, referenceMessage: (v: string) => string): number {
    if (typeof value !== 'number' || Number.isNaN(value)) this.fail(param, value, referenceMessage(String(value)));
    return value;
  }

  /** `ok(value)` must hold, else `message(python-formatted value)`. */
  check(param: string, value: unknown, ok: (v: number) => boolean, message: (v: string) => string): number {
    const v = this.number(param, value, message);
    if (!ok(v)) this.fail(param, v, message(pythonFloat(v)));
    return v;
  }

  boolean(param: string, value: unknown): boolean {
    if (typeof value !== 'boolean') this.fail(param, value, `${param} must be true or false`);
    return value;
  }

  /** A learning rate: a number checked by `ok`, or a schedule checked at every step. */
  learningRate(value: unknown, ok: (v: number) => boolean, message: (v: string) => string): LearningRate {
    if (value === undefined) {
      this.fail('lr', value, "parameter group didn't specify a value of required optimization parameter lr");
    }
    if (typeof value === 'function') return value as (step: number) => number;
    return this.check('lr', value, (v) => Number.isFinite(v) && ok(v), message);
  }

  betas(value: unknown, checkRange: boolean): [number, number] {
    if (!Array.isArray(value) || value.length !== 2 || value.some((b) => typeof b !== 'number' || Number.isNaN(b))) {
      this.fail('betas', value, 'betas must be a pair of numbers [beta1, beta2]');
    }
    const [b1, b2] = value as [number, number];
    if (checkRange) {
      const inRange = (b: number) => b >= 0 && b < 1;
      if (!inRange(b1)) this.fail('betas', value, `Invalid beta parameter at index 0: ${pythonFloat(b1)}`);
      if (!inRange(b2)) this.fail('betas', value, `Invalid beta parameter at index 1: ${pythonFloat(b2)}`);
    }
    return [b1, b2];
  }
}

/** Rejects option names the optimizer does not know (a typo would otherwise silently fall back to a default). */
export function rejectUnknownOptions(optimizer: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && key !== 'onWarning') {
      throw new InvalidArgumentError(key, (options as Record<string, unknown>)[key], `unknown option of ${optimizer}; known: ${known.join(', ')}`, optimizer);
    }
  }
}
