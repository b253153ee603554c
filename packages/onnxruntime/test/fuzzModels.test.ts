// Fuzzing what a brought-in gradient model declares and what a caller feeds it. An independent
// statement of the documented rules (written here, not shared with the reader) decides whether
// each input must be refused; refusals are 'gradientModel:' / 'batch' / option errors that name
// the problem, and a refused step changes nothing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OrtTrainer, readGradientModel } from '../src/index.js';
import { DataType } from '../src/onnx/types.js';
import { runtimes } from './helpers/runtimes.js';
import { linearClassifier } from './helpers/linearClassifier.js';

const SEED = 1130;
const RUNS = 1000;
const ort = runtimes[0][1];

describe(`gradient model fuzz (fast-check seed ${SEED}, ${RUNS} runs each)`, () => {
  it('gradient shapes, out_axis texts, labels types, batch dims: read as documented or refused', () => {
    console.log(`fuzzModels: fast-check seed ${SEED}`);
    const dim = fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constantFrom('a', 'b'));
    const input = fc.record({
      features: fc.integer({ min: 1, max: 5 }),
      classes: fc.integer({ min: 1, max: 5 }),
      gradDims: fc.option(fc.array(dim, { maxLength: 3 }), { nil: undefined }),
      outAxis: fc.option(
        fc.oneof(
          fc.integer({ min: -4, max: 4 }).map(String),
          fc.string({ maxLength: 4 }),
          fc.constantFrom('', ' 1', '1.0', '+1', '0x1', '-0'),
        ),
        { nil: undefined },
      ),
      labelsElemType: fc.constantFrom(
        DataType.FLOAT,
        DataType.DOUBLE,
        DataType.INT64,
        DataType.INT32,
        DataType.UINT8,
        DataType.BOOL,
        10,
      ),
      batch: fc.oneof(fc.constant('n'), fc.integer({ min: 1, max: 9 })),
    });
    fc.assert(
      fc.property(input, (o) => {
        const integer = o.labelsElemType === DataType.INT64 || o.labelsElemType === DataType.INT32;
        const labels = integer ? 'int64' : 'float'; // declared [N] for indices, [N, K] otherwise
        const bytes = linearClassifier({
          features: o.features,
          classes: o.classes,
          gradDims: o.gradDims,
          outAxis: o.outAxis,
          labelsElemType: o.labelsElemType,
          batch: o.batch,
          labels,
        });
        const shape = [o.features, o.classes];
        // the documented rules, stated independently
        const gradOk =
          o.gradDims === undefined ||
          (o.gradDims.length === 2 && o.gradDims.every((d, i) => typeof d === 'string' || d === shape[i]));
        const axisOk =
          o.outAxis === undefined || (/^-?\d+$/.test(o.outAxis) && Number(o.outAxis) >= -2 && Number(o.outAxis) <= 1);
        const labelsOk = [DataType.FLOAT, DataType.INT64, DataType.INT32].includes(o.labelsElemType as 1);
        if (gradOk && axisOk && labelsOk) {
          const info = readGradientModel(bytes);
          expect(info.params[0].shape).toEqual(shape);
          expect(info.params[0].outAxis).toBe(o.outAxis === undefined ? -1 : Number(o.outAxis));
          expect(info.labelsType).toBe({ 1: 'float', 7: 'int64', 6: 'int32' }[o.labelsElemType as 1 | 6 | 7]);
          expect(info.batchSize).toBe(typeof o.batch === 'number' ? o.batch : undefined);
        } else {
          const problems = [
            ...(gradOk ? [] : [/gradient output 'grad.W' is declared .* the parameter 'W' is \[/]),
            ...(axisOk ? [] : [/'gcopt.param.W.out_axis' is .*not an axis of shape/]),
            ...(labelsOk ? [] : [/the labels input 'y' has ONNX data type/]),
          ];
          expect(() => readGradientModel(bytes)).toThrow(new RegExp(problems.map((p) => p.source).join('|')));
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('labels and batch sizes fed to a step: trained on, or refused with nothing changed', async () => {
    const models = {
      float: new OrtTrainer({ gradientModel: linearClassifier(), ort, optimizer: { name: 'Adam_GC2', lr: 0.01 } }),
      int64: new OrtTrainer({
        gradientModel: linearClassifier({ labels: 'int64' }),
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.01 },
      }),
      fixed: new OrtTrainer({
        gradientModel: linearClassifier({ labels: 'int64', batch: 4 }),
        ort,
        optimizer: { name: 'Adam_GC2', lr: 0.01 },
      }),
    };
    const label = fc.oneof(
      fc.integer({ min: -2, max: 6 }),
      fc.double({ min: -1, max: 5 }),
      fc.constantFrom(Number.NaN, Infinity, '1', null),
    );
    const input = fc.record({
      model: fc.constantFrom('float', 'int64', 'fixed') as fc.Arbitrary<keyof typeof models>,
      count: fc.integer({ min: 1, max: 6 }),
      labels: fc.array(label, { minLength: 0, maxLength: 7 }),
      oneHotRows: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(input, async (o) => {
        const trainer = models[o.model];
        const before = { params: trainer.params.map((p) => Array.from(p.data)), state: trainer.optimizer.state() };
        const x = Float32Array.from({ length: o.count * 3 }, (_, i) => Math.sin(i));
        const labels = o.oneHotRows
          ? Float32Array.from({ length: o.count * 4 }, (_, i) => (i % 4 === 0 ? 1 : 0))
          : (o.labels as number[]);
        // the documented rules, stated independently
        const countOk = o.model !== 'fixed' || o.count === 4;
        const indicesOk =
          !o.oneHotRows &&
          o.labels.length === o.count &&
          o.labels.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 0 && c < 4);
        const accepted = countOk && ((o.model === 'float' && o.oneHotRows) || indicesOk);
        if (accepted) {
          const result = await trainer.step({ input: x, labels, count: o.count });
          expect(result.applied).toBe(true);
          expect(Number.isFinite(result.loss)).toBe(true);
        } else {
          await expect(trainer.step({ input: x, labels, count: o.count })).rejects.toThrow(
            /^batch(\.labels)?(\[\d+\])?: /,
          );
          expect({ params: trainer.params.map((p) => Array.from(p.data)), state: trainer.optimizer.state() }).toEqual(
            before,
          );
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    await Promise.all(Object.values(models).map((m) => m.release()));
  });

  it('trainer options: unknown names and wrong types are refused, naming the option', () => {
    const model = linearClassifier();
    const known = {
      optimizer: fc.constant('Adam_GC2'),
      sessionOptions: fc.constant({}),
      inferenceModel: fc.constant(undefined),
    };
    const anyValue = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 3 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant([1]),
      fc.constant({}),
      fc.constant(new Uint8Array(2)),
    );
    const input = fc.record({
      base: fc.record(known, { requiredKeys: [] }),
      extraKey: fc.option(fc.constantFrom('sessionOption', 'inferencemodel', 'lr', 'batchSize', 'model', 'Optimizer'), {
        nil: undefined,
      }),
      badType: fc.option(
        fc.record({ key: fc.constantFrom('sessionOptions', 'inferenceModel', 'gradientModel'), value: anyValue }),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(input, (o) => {
        const options: Record<string, unknown> = { gradientModel: model, ort, optimizer: 'Adam_GC2', ...o.base };
        if (o.extraKey) options[o.extraKey] = 1;
        if (o.badType) options[o.badType.key] = o.badType.value;
        const v = o.badType?.value;
        const typeOk =
          !o.badType ||
          (o.badType.key === 'sessionOptions'
            ? v !== null && typeof v === 'object' && !Array.isArray(v)
            : v instanceof Uint8Array);
        if (o.extraKey && !typeOk) {
          expect(() => new OrtTrainer(options as never)).toThrow(
            new RegExp(`OrtTrainer: (unknown option '${o.extraKey}'|option '${o.badType!.key}' must be)`),
          );
        } else if (o.extraKey)
          expect(() => new OrtTrainer(options as never)).toThrow(
            new RegExp(`OrtTrainer: unknown option '${o.extraKey}'`),
          );
        else if (!typeOk)
          expect(() => new OrtTrainer(options as never)).toThrow(
            new RegExp(`OrtTrainer: option '${o.badType!.key}' must be`),
          );
        else if (o.badType?.key === 'gradientModel' || o.badType?.key === 'inferenceModel')
          expect(() => new OrtTrainer(options as never)).toThrow(/model/);
        else expect(new OrtTrainer(options as never).params).toHaveLength(1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
