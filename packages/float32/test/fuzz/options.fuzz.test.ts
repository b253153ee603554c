import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceOptimizers } from '@gcopt/core';
import { anyValue, fuzz } from '../../../core/test/fuzz/fuzzConfig.js';
import { createOptimizer, GcoptError, InvalidArgumentError, type Float32Optimizer } from '../../src/index.js';
import { makeModel, paramBytes } from '../helpers.js';

/**
 * Names class: any options object — known names with wrong types, typos, other libraries'
 * spellings, groups and lookahead settings with junk — is either refused with an
 * InvalidArgumentError whose `param` is the path where the user wrote the bad option (and whose
 * `value` is what is there), or accepted and applied as documented. Construction never writes
 * the model.
 */
const SETTINGS = ['family', 'groups', 'nonFinite', 'lookahead', 'onWarning'];
const GROUP_KEYS = ['params', 'gc', 'outAxis'];
const STRAY = ['learningRate', 'weight_decay', 'betaz', 'useGC', 'momentun', 'gc', 'outAxis', 'params', 'k', 'alpha'];

/** The value at a path like `groups[1].gc` or `lookahead.alpah`, and whether it exists. */
function at(root: unknown, path: string): { found: boolean; value?: unknown } {
  let node = root;
  for (const part of path.split(/\.|(?=\[)/)) {
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part;
    const has = node !== null && typeof node === 'object' && Object.hasOwn(node, key);
    if (!has) return { found: false };
    node = (node as Record<string | number, unknown>)[key];
  }
  return { found: true, value: node };
}

const keyFrom = (known: readonly string[]) => fc.constantFrom(...known, ...STRAY, ...SETTINGS);
const value = fc.oneof(anyValue(), fc.constantFrom(0.1, 0.9, 0, 1e-4, true, false));

const lookaheadKey = fc.constantFrom('k', 'alpha', 'alpah', 'K', 'onWarning');
const lookaheadSettings = fc.dictionary(lookaheadKey, value, { maxKeys: 2 });

const selector = fc.oneof(
  fc.constant(['fc.bias'] as unknown),
  fc.constant(/weight/ as unknown),
  fc.constant(((p: { name: string }) => p.name.startsWith('dense')) as unknown),
  fc.constant(['nope'] as unknown),
  anyValue(),
);

describe('fuzz: names and options', () => {
  it('createOptimizer refuses bad options by the path the user wrote, or applies them as documented', () => {
    fuzz(
      'float32 option names and types',
      fc.property(
        fc.constantFrom(...referenceOptimizers).chain((r) => {
          const known = Object.keys(r.create({ lr: 0.01 }).hyper);
          return fc.record({
            r: fc.constant(r),
            top: fc.dictionary(keyFrom(known), value, { maxKeys: 3 }),
            groups: fc.option(
              fc.array(
                fc.record({
                  params: selector,
                  extra: fc.dictionary(fc.constantFrom(...known, ...STRAY, ...GROUP_KEYS), value, { maxKeys: 2 }),
                }),
                { maxLength: 2 },
              ),
            ),
            lookahead: fc.option(fc.oneof(lookaheadSettings, anyValue())),
          });
        }),
        ({ r, top, groups, lookahead }) => {
          const options: Record<string, unknown> = { lr: 0.01, ...top };
          if (groups) options.groups = groups.map((g) => ({ params: g.params, ...g.extra }));
          if (lookahead !== null) options.lookahead = lookahead;
          const model = makeModel();
          const before = paramBytes(model);
          let opt: Float32Optimizer | undefined;
          try {
            opt = createOptimizer(r.name, options, model);
          } catch (e) {
            if (!(e instanceof GcoptError)) throw e; // a TypeError is the kind of bug this looks for
            expect(e).toBeInstanceOf(InvalidArgumentError);
            const { param, value: got } = e as InvalidArgumentError;
            // `name` is the optimizer name given to createOptimizer; parameter paths name the model
            if (param === 'name' || param.startsWith("parameter '") || /^groups\[\d+\]\.params$/.test(param)) return;
            const where = at(options, param);
            expect(where.found, `${param} is not a path in the options`).toBe(true);
            expect(Object.is(where.value, got) || (typeof got === 'string' && got.startsWith('[function'))).toBe(true);
            for (const x of [got].flat()) {
              if (typeof x === 'number' && !Number.isFinite(x)) expect((e as Error).message).toContain(String(x));
            }
          }
          expect(paramBytes(model)).toEqual(before);
          if (!opt) return;
          // accepted: no unknown names slipped through, and every group's gc flag is applied as given
          const known = new Set([...Object.keys(r.create({ lr: 0.01 }).hyper), ...SETTINGS]);
          for (const key of Object.keys(options)) expect(known.has(key) || key === 'lr').toBe(true);
          ((options.groups as Record<string, unknown>[] | undefined) ?? []).forEach((g, k) => {
            for (const key of Object.keys(g)) expect(known.has(key) || GROUP_KEYS.includes(key)).toBe(true);
            expect(g.gc === undefined || typeof g.gc === 'boolean').toBe(true);
            for (const p of opt!.params) if (p.group === k + 1 && g.gc !== undefined) expect(p.gc).toBe(g.gc);
          });
        },
      ),
    );
  });
});
