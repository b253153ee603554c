import { InvalidArgumentError } from '../errors.js';
import { pythonFloat } from '../reference/pythonFormat.js';
import type { LearningRate } from './types.js';

/**
 * Argument checks, in the order and with the messages of the reference code (docs/ALGORITHMS.md §4):
 * the first failure throws an InvalidArgumentError naming the parameter; `referenceMessage` is the
 * original's ValueError text. Non-numbers, NaN and ±Infinity are rejected too, where the reference
 * lets them through: every hyper-parameter must be a value an optimizer snapshot can store.
 */
export class Checker {
  constructor(private readonly optimizer: string) {}

  fail(param: string, value: unknown, referenceMessage: string): never {
    throw new InvalidArgumentError(param, value, referenceMessage, this.optimizer);
  }

  /** A finite number, else `referenceMessage` (non-numbers, NaN) or the snapshot rule (±Infinity). */
  number(param: string, value: unknown, referenceMessage: (v: string) => string): number {
    return this.finite(param, this.numeric(param, value, referenceMessage));
  }

  /** `ok(value)` must hold, else `message(python-formatted value)`; then it must be finite. */
  check(param: string, value: unknown, ok: (v: number) => boolean, message: (v: string) => string): number {
    const v = this.numeric(param, value, message);
    if (!ok(v)) this.fail(param, v, message(pythonFloat(v)));
    return this.finite(param, v);
  }

  private numeric(param: string, value: unknown, referenceMessage: (v: string) => string): number {
    if (typeof value !== 'number' || Number.isNaN(value)) this.fail(param, value, referenceMessage(plainText(value)));
    return value;
  }

  /** One rule for every hyper-parameter: what an optimizer snapshot cannot store is refused here. */
  private finite(param: string, value: number): number {
    if (!Number.isFinite(value)) {
      this.fail(param, value, `${param} must be a finite number (a snapshot of the optimizer could not store it)`);
    }
    return value;
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
    if (!Number.isFinite(b1) || !Number.isFinite(b2)) {
      this.fail('betas', value, 'betas must be finite numbers (a snapshot of the optimizer could not store them)');
    }
    return [b1, b2];
  }
}

/** `String(v)`, also for values String() throws on (symbols, objects without a prototype). */
export function plainText(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Other spellings users bring from PyTorch, tfjs or optax, and the option they mean. */
const ALIASES: Record<string, string> = { learningRate: 'lr', learning_rate: 'lr', N_sma_threshhold: 'nSmaThreshold' };

/** The known option a misspelt one probably means: an alias, snake_case, another letter case, a typo. */
function likelyMeant(key: string, known: readonly string[]): string | undefined {
  const camel = (ALIASES[key] ?? key.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase())).toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === camel);
  if (exact) return exact;
  const allowed = camel.length <= 4 ? 1 : 2;
  return known.find((k) => typoDistance(k.toLowerCase(), camel) <= allowed);
}

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
function typoDistance(a: string, b: string): number {
  const row = (i: number) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0));
  const d = Array.from({ length: a.length + 1 }, (_, i) => row(i));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * Checks that `options` is an options object and rejects option names the optimizer does not know
 * (a typo would otherwise silently fall back to a default), naming the option as written.
 */
export function rejectUnknownOptions(optimizer: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const expected = `the options of ${optimizer} are an object, e.g. { ${known[0]}: … }`;
    throw new InvalidArgumentError('options', options, expected, optimizer);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key) && key !== 'onWarning') {
      const meant = likelyMeant(key, known);
      const hint = meant ? ` (did you mean ${meant}?)` : '';
      const problem = `unknown option of ${optimizer}${hint}; known: ${known.join(', ')}`;
      throw new InvalidArgumentError(key, (options as Record<string, unknown>)[key], problem, optimizer);
    }
  }
  const onWarning = (options as { onWarning?: unknown }).onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw new InvalidArgumentError('onWarning', onWarning, 'onWarning must be a function (warning) => void', optimizer);
  }
}
