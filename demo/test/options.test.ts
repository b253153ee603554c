import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKEND, DEFAULTS, DEMO_OPTIMIZERS, DemoUsageError, parseDemoOptions, QUICK } from '../src/index.js';

const parse = (...argv: string[]) => parseDemoOptions(argv, '/tmp/out');

describe('parseDemoOptions', () => {
  it('fills in the defaults: every pair, seeds 1..N, the default backend', () => {
    const o = parse();
    expect(o.epochs).toBe(DEFAULTS.epochs);
    expect(o.seeds).toEqual(Array.from({ length: DEFAULTS.seeds }, (_, i) => i + 1));
    expect(o.optimizers.map((x) => x.label)).toEqual(DEMO_OPTIMIZERS.map((x) => x.label));
    expect(o.backend).toBe(DEFAULT_BACKEND);
    expect(o.out).toBe('/tmp/out');
    expect(o.png).toBe(true);
    expect(o.quick).toBe(false);
  });

  it('--quick switches to the small run, and explicit options still win', () => {
    const q = parse('--quick');
    expect([q.epochs, q.seeds.length, q.trainSize, q.testSize, q.batchSize]).toEqual([
      QUICK.epochs,
      QUICK.seeds,
      QUICK.trainSize,
      QUICK.testSize,
      QUICK.batchSize,
    ]);
    const q3 = parse('--quick', '--epochs', '3', '--seeds=2');
    expect(q3.epochs).toBe(3);
    expect(q3.seeds).toEqual([1, 2]);
  });

  it('takes optimizers by label, case-insensitively, in the given order, without duplicates', () => {
    const o = parse('--optimizers', 'adam_gc2, SGD,Adam_GC2', '--backend', 'tfjs', '--out', 'x', '--no-png');
    expect(o.optimizers.map((x) => x.label)).toEqual(['Adam_GC2', 'SGD']);
    expect(o.backend).toBe('tfjs');
    expect(o.out).toBe('x');
    expect(o.png).toBe(false);
  });

  it('--float32-backend reaches the options; without it @gcopt/float32 keeps its default', () => {
    expect(parse('--float32-backend', 'core').float32Backend).toBe('core');
    expect(parse().float32Backend).toBeUndefined();
  });

  it('still accepts the old flag name --engine for --backend', () => {
    expect(parse('--engine', 'js').backend).toBe('js');
  });

  it('every GC variant has a baseline in the list with exactly its hyper-parameters', () => {
    for (const o of DEMO_OPTIMIZERS.filter((x) => x.baseline)) {
      const base = DEMO_OPTIMIZERS.find((x) => x.label === o.baseline)!;
      expect(base).toBeDefined();
      const { useGc, ...baseHyper } = base.options as Record<string, unknown>;
      expect(useGc === undefined || useGc === false).toBe(true);
      expect(o.options).toEqual(baseHyper);
    }
  });

  it.each([
    [['--epochs', '0'], /--epochs must be a whole number from 1 to 1000, got '0'/],
    [['--epochs', '2.5'], /--epochs .* got '2.5'/],
    [['--seeds', 'many'], /--seeds .* got 'many'/],
    [['--train-size', '9000'], /--train-size must be a whole number from 1 to 8000/],
    [['--backend', 'torch'], /--backend must be one of ort, tfjs, js, got 'torch'/],
    [['--engine', 'torch'], /--engine must be one of ort, tfjs, js, got 'torch'/],
    [['--engine', 'js', '--backend', 'js'], /--engine is the old name of --backend: give only --backend/],
    [['--optimizers', 'Adam,Lion'], /--optimizers: unknown optimizer 'Lion'; known: SGD, SGD_GC/],
    [['--optimizers', ','], /--optimizers must name at least one optimizer/],
    [['--bogus'], /Unknown option '--bogus'/],
    [['--float32-backend', 'gpu'], /--float32-backend must be one of auto, core, fast, got 'gpu'/],
    [['--float32-backend', 'core', '--backend', 'tfjs'], /--float32-backend applies to the ort and js backends/],
  ])('rejects %j with a message naming the option', (argv, message) => {
    expect(() => parse(...argv)).toThrow(DemoUsageError);
    expect(() => parse(...argv)).toThrow(message);
  });
});
