// The README's node:test example, run as a user would: `node --test examples/node-test-example.mjs`
// (after the package is built). test/nodeTestExample.test.ts runs it in the suite.
import { test } from 'node:test';
import { verifyCentralization, verifyOptimizer } from '@gcopt/property-tests';

/** A hand-written GC: subtract each output channel's mean (outAxis 0 or last). */
function myCentralize(g, { shape, outAxis, rule }) {
  if (shape.some((d) => d === 0)) throw new RangeError('empty tensor');
  const rank = shape.length;
  const out = g.slice();
  if (rule === 'none' || rank < (rule === 'gcc' ? 4 : 2)) return out;
  const axis = outAxis < 0 ? rank + outAxis : outAxis;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channels = shape[axis];
  const sums = new Float64Array(channels);
  g.forEach((x, i) => (sums[Math.floor(i / inner) % channels] += x));
  return out.map((x, i) => x - sums[Math.floor(i / inner) % channels] / (g.length / channels));
}

/** A hand-written SGD with GC on the gradient (plus L2 decay, centred with it). */
function mySgdGc(params, { lr = 0.05, weightDecay = 0.01 } = {}) {
  const weights = params.map((p) => p.data.slice());
  return {
    step(grads, options) {
      const rate = options?.lr ?? lr;
      params.forEach((p, i) => {
        const w = weights[i];
        const d = myCentralize(
          grads[i].map((g, j) => g + weightDecay * w[j]),
          { shape: p.shape, outAxis: p.outAxis, rule: 'gc' },
        );
        for (let j = 0; j < w.length; j++) w[j] -= rate * d[j];
      });
    },
    params: () => weights.map((w) => w.slice()),
  };
}

test('my GC is the projection GC describes', async () => {
  await verifyCentralization({ name: 'my GC', accumulation: 'float64', centralize: myCentralize });
});

test('my SGD with GC preserves per-channel weight means', async () => {
  await verifyOptimizer((params) => mySgdGc(params), { name: 'my SGD_GC', preservesMean: 'gc' });
});
