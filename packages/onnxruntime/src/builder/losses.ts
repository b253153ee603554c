import type { GraphBuilder } from './graphBuilder.js';

/** Loss functions a gradient model can end in. Both average over the batch, like PyTorch's defaults. */
export type LossName = 'softmaxCrossEntropy' | 'meanSquaredError';

export interface LossGraph {
  loss: string;
  outputGrad: string;
}

/**
 * Softmax cross-entropy of logits [N, K] against target distributions [N, K] (one-hot labels):
 * loss = -(1/N) Σ t·logsoftmax(z); dloss/dz = (softmax(z) - t) / N.
 */
function softmaxCrossEntropy(g: GraphBuilder, logits: string, targets: string): LossGraph {
  const logProbs = g.op('LogSoftmax', [logits], { axis: { i: -1 } }, 'loss.logProbs');
  const batch = g.op(
    'Cast',
    [g.op('Shape', [logits], { start: { i: 0 }, end: { i: 1 } }, 'loss.batchDim')],
    { to: { i: g.elemType } },
    'loss.batch',
  );
  const total = g.op(
    'ReduceSum',
    [g.op('Mul', [targets, logProbs], {}, 'loss.picked')],
    { keepdims: { i: 0 } },
    'loss.total',
  );
  const loss = g.op(
    'Neg',
    [g.op('Div', [total, g.op('Reshape', [batch, g.int64Const([], [0])], {}, 'loss.batchScalar')], {}, 'loss.mean')],
    {},
    'loss.value',
  );
  const outputGrad = g.op(
    'Div',
    [g.op('Sub', [g.op('Exp', [logProbs], {}, 'loss.probs'), targets], {}, 'loss.residual'), batch],
    {},
    'loss.doutput',
  );
  return { loss, outputGrad };
}

/** Mean squared error over every element: loss = mean((y - t)²); dloss/dy = 2 (y - t) / count. */
function meanSquaredError(g: GraphBuilder, output: string, targets: string): LossGraph {
  const diff = g.op('Sub', [output, targets], {}, 'loss.diff');
  const loss = g.op(
    'ReduceMean',
    [g.op('Mul', [diff, diff], {}, 'loss.squared')],
    { keepdims: { i: 0 } },
    'loss.value',
  );
  const count = g.op('Cast', [g.op('Size', [output], {}, 'loss.countInt')], { to: { i: g.elemType } }, 'loss.count');
  const outputGrad = g.op(
    'Div',
    [g.op('Mul', [diff, g.floatConst([2])], {}, 'loss.twiceDiff'), count],
    {},
    'loss.doutput',
  );
  return { loss, outputGrad };
}

export const lossGraphs: Record<LossName, (g: GraphBuilder, output: string, targets: string) => LossGraph> = {
  softmaxCrossEntropy,
  meanSquaredError,
};
