import type { GraphProto } from '../onnx/types.js';

/**
 * GC's output axis of a parameter, from the first node that consumes it:
 * Conv / ConvTranspose weight [M, C, kh, kw] → 0 (ConvTranspose: [C, M/g, …] → 1);
 * Gemm B [K, N] → 1, or 0 with transB=1; MatMul second input [K, N] → last axis.
 * Returns undefined when the consumer says nothing about the layout.
 */
export function inferOutAxis(graph: GraphProto, param: string): number | undefined {
  for (const node of graph.node) {
    const slot = node.input.indexOf(param);
    if (slot < 0) continue;
    const attr = (name: string) => node.attribute?.find((a) => a.name === name)?.i ?? 0;
    switch (node.opType) {
      case 'Conv':
        return slot === 1 ? 0 : undefined;
      case 'ConvTranspose':
        return slot === 1 ? 1 : undefined;
      case 'Gemm':
        if (slot === 1) return Number(attr('transB')) === 1 ? 0 : 1;
        if (slot === 0) return Number(attr('transA')) === 1 ? 1 : 0;
        return undefined;
      case 'MatMul':
        return slot === 1 ? -1 : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}
