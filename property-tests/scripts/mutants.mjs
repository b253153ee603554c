// The mutation gate's mutants: small textual patches to a copy of @gcopt/core's compiled dist/. Each
// `search` must occur exactly once in its file (whitespace runs match any whitespace); if a refactor
// moved the code, the gate fails naming the mutant — re-anchor it here, never drop it silently.
// Anchored on formulas that rarely move: the GC projection, the rank rule, the layout, the transforms.

/** @type {{ name: string, file: string, patches: { search: string, replace: string }[] }[]} */
export const mutants = [
  {
    name: 'global mean instead of per channel',
    file: 'centralize/centralizeInPlace.js',
    patches: [
      {
        search: 'const { outer, channels, inner, fanIn } = layout;',
        replace:
          'const { outer, channels, inner, fanIn } = ' +
          '{ ...layout, outer: 1, channels: 1, inner: layout.size, fanIn: layout.size };',
      },
    ],
  },
  {
    name: 'GC on 1-D tensors',
    file: 'centralize/gcRule.js',
    patches: [{ search: 'return rank >= 2;', replace: 'return rank >= 1;' }],
  },
  {
    name: 'GCC centring rank 2-3',
    file: 'centralize/gcRule.js',
    patches: [{ search: 'return rank >= 4;', replace: 'return rank >= 2;' }],
  },
  {
    name: 'Adam bias corrections dropped',
    file: 'transforms/scaleByAdam.js',
    patches: [
      { search: 'const bc1 = 1 - beta1 ** t;', replace: 'const bc1 = 1;' },
      { search: 'const bc2 = 1 - beta2 ** t;', replace: 'const bc2 = 1;' },
    ],
  },
  {
    name: 'AdamW decay before the moments',
    file: 'optimizers/firstRelease/adamW.js',
    patches: [
      {
        search: "centralizeUpdate(where === 'gradient' ? rule : 'none'), adamMoments(",
        replace: "centralizeUpdate(where === 'gradient' ? rule : 'none'), addWeightDecay(h.weightDecay), adamMoments(",
      },
      {
        search: "addWeightDecay(h.weightDecay), centralizeUpdate(where === 'update' ? rule : 'none'),",
        replace: "centralizeUpdate(where === 'update' ? rule : 'none'),",
      },
    ],
  },
  {
    name: 'wrong axis for channels-last (outAxis -1 read as 0)',
    file: 'tensor/layout.js',
    patches: [
      {
        search: 'let axis = outAxis < 0 ? rank + outAxis : outAxis;',
        replace: 'let axis = outAxis < 0 ? 0 : outAxis;',
      },
    ],
  },
  {
    name: 'middle-axis branch broken (mean over the inner axes only)',
    file: 'centralize/centralizeInPlace.js',
    patches: [{ search: 'sums[c] = shift + sum / fanIn;', replace: 'sums[c] = shift + sum / inner;' }],
  },
  {
    name: 'mean rounded to float32 before the subtraction',
    file: 'centralize/centralizeInPlace.js',
    patches: [
      { search: 'const mean = shift + sum / fanIn;', replace: 'const mean = Math.fround(shift + sum / fanIn);' },
    ],
  },
  {
    name: 'a bias gradient zeroed',
    file: 'transforms/centralizeUpdate.js',
    patches: [
      {
        search: 'apply(ctx) { if (centralizes(ctx.layout.rank, ctx.gcEnabled))',
        replace:
          'apply(ctx) { if (ctx.layout.rank === 1) ctx.u.fill(0); ' +
          'if (centralizes(ctx.layout.rank, ctx.gcEnabled))',
      },
    ],
  },
];
