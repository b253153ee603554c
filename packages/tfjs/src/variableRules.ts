import { InvalidArgumentError } from '@gcopt/core';
import { isSuffixedCopy } from './suffixedNames.js';

/**
 * How one model variable is treated, chosen by its name: its output-channel axis and whether GC
 * applies at all. A rule names its variables in exactly one way: `name`, `pattern` (a RegExp, or
 * its source as a string) or `predicate` (any test of name and shape). A `name` rule matches that
 * variable and the copies tfjs-layers names `name_1`, `name_2`… (the same layer built again, or
 * its model loaded in the same process), so it keeps applying after save → load.
 */
export interface VariableRule {
  readonly name?: string;
  readonly pattern?: RegExp | string;
  /** Receives the tfjs variable name and shape. Not serializable: see `getConfig`. */
  readonly predicate?: (name: string, shape: readonly number[]) => boolean;
  /** Output-channel axis, negative from the end (tfjs default -1: Dense `[in,out]`, Conv2D `[kh,kw,in,out]`). */
  readonly outAxis?: number;
  /** false excludes the variable from GC (it is still optimized). */
  readonly gc?: boolean;
}

/** What the rules decide for one variable. */
export interface VariableLayout {
  readonly outAxis: number;
  readonly gc: boolean;
}

/** tfjs puts the output channel last. */
export const TFJS_OUT_AXIS = -1;

/**
 * Rules for the tfjs-layers weights whose layout the default does not fit, applied before the
 * user's rules (which therefore win): embedding tables and depthwise kernels are not GC'd;
 * a Conv1D/2D/3DTranspose kernel is `[k…,out,in]`. Layer names are the user's to choose, so by
 * name the transposed kernels are recognised only under tfjs-layers' default layer names
 * (`conv2d_transpose_…`); given the model (option `model`), they are found by layer class.
 */
export const tfjsLayerRules: readonly VariableRule[] = Object.freeze([
  { pattern: /\/embeddings(_\d+)?$/, gc: false },
  { pattern: /\/depthwise_kernel(_\d+)?$/, gc: false },
  { pattern: /conv[123]d_transpose[^/]*\/kernel(_\d+)?$/i, outAxis: -2 },
]);

/** Checks rules given by a user or read back from a config; throws naming the offending field. */
export function validateRules(rules: unknown): VariableRule[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules)) throw new InvalidArgumentError('variables', rules, 'must be an array of rules');
  return rules.map((rule, i) => {
    const where = `variables[${i}]`;
    if (typeof rule !== 'object' || rule === null)
      throw new InvalidArgumentError(where, rule, 'a rule must be an object');
    const r = rule as Record<string, unknown>;
    const selectors = ['name', 'pattern', 'predicate'].filter((k) => r[k] !== undefined);
    if (selectors.length !== 1) {
      throw new InvalidArgumentError(where, rule, 'a rule needs exactly one of name, pattern, predicate');
    }
    if (r.name !== undefined && typeof r.name !== 'string')
      throw new InvalidArgumentError(`${where}.name`, r.name, 'must be a string');
    if (r.pattern !== undefined && typeof r.pattern !== 'string' && !(r.pattern instanceof RegExp)) {
      throw new InvalidArgumentError(`${where}.pattern`, r.pattern, 'must be a RegExp or a RegExp source string');
    }
    if (r.predicate !== undefined && typeof r.predicate !== 'function') {
      throw new InvalidArgumentError(`${where}.predicate`, r.predicate, 'must be a function (name, shape) => boolean');
    }
    if (r.outAxis !== undefined && !Number.isInteger(r.outAxis))
      throw new InvalidArgumentError(`${where}.outAxis`, r.outAxis, 'must be an integer');
    if (r.gc !== undefined && typeof r.gc !== 'boolean')
      throw new InvalidArgumentError(`${where}.gc`, r.gc, 'must be true or false');
    const known = ['name', 'pattern', 'flags', 'predicate', 'outAxis', 'gc'];
    for (const key of Object.keys(r))
      if (!known.includes(key))
        throw new InvalidArgumentError(`${where}.${key}`, r[key], `unknown rule field; known: ${known.join(', ')}`);
    if (typeof r.pattern === 'string') {
      return { ...(r as VariableRule), pattern: new RegExp(r.pattern, typeof r.flags === 'string' ? r.flags : '') };
    }
    return r as VariableRule;
  });
}

function matches(rule: VariableRule, name: string, shape: readonly number[]): boolean {
  if (rule.name !== undefined) return isSuffixedCopy(name, rule.name);
  if (rule.pattern instanceof RegExp) {
    rule.pattern.lastIndex = 0; // a /g pattern keeps state between tests
    return rule.pattern.test(name);
  }
  return rule.predicate ? rule.predicate(name, shape) : false;
}

/** Every matching rule applies in order, so a later rule overrides an earlier one field by field. */
export function resolveLayout(rules: readonly VariableRule[], name: string, shape: readonly number[]): VariableLayout {
  let outAxis = TFJS_OUT_AXIS;
  let gc = true;
  for (const rule of rules) {
    if (!matches(rule, name, shape)) continue;
    if (rule.outAxis !== undefined) outAxis = rule.outAxis;
    if (rule.gc !== undefined) gc = rule.gc;
  }
  return { outAxis, gc };
}

/**
 * A rule as JSON that survives tfjs-layers' model loading, which camel-cases every string in a
 * saved config (`dense_1` would come back as `dense1`): names and patterns are written as RegExp
 * sources with `_` spelled `\x5f`, which matches the same strings.
 */
export function serializeRule(rule: VariableRule): { pattern: string; flags: string; outAxis?: number; gc?: boolean } {
  // a name rule is saved as the pattern that matches what it matches: the name and its `_N` copies
  const regexp =
    rule.name !== undefined ? new RegExp(`^${escapeRegExp(rule.name)}(?:_\\d+)?$`) : (rule.pattern as RegExp);
  const out: { pattern: string; flags: string; outAxis?: number; gc?: boolean } = {
    pattern: withoutUnderscores(regexp.source),
    flags: regexp.flags,
  };
  if (rule.outAxis !== undefined) out.outAxis = rule.outAxis;
  if (rule.gc !== undefined) out.gc = rule.gc;
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Replaces `_` and `\_` by `\x5f`, leaving other escapes (`\\_` is a backslash then `_`) intact. */
function withoutUnderscores(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\\' && i + 1 < source.length) {
      const next = source[++i];
      out += next === '_' ? '\\x5f' : ch + next;
    } else out += ch === '_' ? '\\x5f' : ch;
  }
  return out;
}
