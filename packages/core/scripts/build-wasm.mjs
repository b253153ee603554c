#!/usr/bin/env node
// Builds the fused WebAssembly SIMD kernels of @gcopt/core/fast from the WAT generated below.
//
//   node scripts/build-wasm.mjs           write src/fast/wasm/kernels.wat and kernelsBinary.ts
//   node scripts/build-wasm.mjs --check   fail if the committed files differ from a fresh build
//
// The kernels are hand-written WebAssembly text (WAT), assembled with wabt (an npm package, no
// native toolchain). Each loop body is written once, as a JS template, and instantiated twice: a
// 4-lane f32x4 body for the bulk of a row and a 1-lane body (load32_zero / store32_lane) for its
// last `len % 4` elements, so rows of any length and alignment are handled without scalar copies
// of the arithmetic. The generated `.wat` and the base64 binary are committed, so a fresh clone
// builds with `tsc` alone; a test checks that they match this generator.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT_DIR = join(HERE, '../src/fast/wasm');

/** f64 slots per task in the task table (the slot indices: `SLOT` in src/fast/tasks.ts). */
export const TASK_SLOTS = 24;

let labelCounter = 0;
const fresh = (prefix) => `$${prefix}${labelCounter++}`;

/**
 * The float64 sum of a row's values, in element order: `vec` adds all 4 lanes of `val` into the f64x2
 * accumulator $acc, `lane` its lane 0 into $accs.
 */
const ROW_SUM = {
  vec: (val) =>
    `(local.set $tmp ${val})
     (local.set $acc (f64x2.add (local.get $acc) (f64x2.add (f64x2.promote_low_f32x4 (local.get $tmp))
       (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ` +
    `(local.get $tmp) (local.get $tmp))))))`,
  lane: (val) => `(local.set $accs (f64.add (local.get $accs) (f64.promote_f32 (f32x4.extract_lane 0 ${val}))))`,
};

/** `$bad` |= `val − val`: +0 in every lane of finite floats, NaN where one is NaN or ±Infinity. */
const nonFinite = (val) =>
  `(local.set $tmp ${val}) (local.set $bad (v128.or (local.get $bad) ` +
  `(f32x4.sub (local.get $tmp) (local.get $tmp))))`;

const COMMON_LOCALS = `(local $i i32) (local $o i32) (local $bytes i32)
  (local $acc v128) (local $accs f64) (local $sum f64) (local $tmp v128)
  (local $pv v128) (local $gg v128) (local $MG v128)`;

const splat = (name) => `(local.set $V${name} (f32x4.splat (local.get $${name})))`;

/** The row mean of the last `rowSum`, as a float64 pair (f64x2): kept at float64 precision. */
const rowMean = () => `(f64x2.splat (f64.div (local.get $sum) (f64.convert_i32_u (local.get $len))))`;

/**
 * `x − mean` for the f32x4 in local `x`, the mean an f64x2 pair in local `mean`: each lane is widened,
 * the mean subtracted at float64 precision and the result rounded once to float32, as the core does
 * (docs/ALGORITHMS.md §1). A float32 mean would be off by up to half a last place of the row's values,
 * all of the centred value on a nearly constant row.
 */
function centre(x, mean, meanHigh = mean) {
  const high = `(i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get ${x}) (local.get ${x}))`;
  return centreHalves(`(local.get ${x})`, high, mean, meanHigh);
}

/**
 * `centre` of 4 floats given as two halves: `low` and `high` are f32x4 expressions whose lanes 0–1 hold
 * lanes 0–1 and 2–3 of x (as `v128.load64_zero` of each half of a vector gives them: no shuffle).
 */
function centreHalves(low, high, mean, meanHigh = mean) {
  const half = (lanes, m) =>
    `(f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 ${lanes}) (local.get ${m})))`;
  return `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${half(low, mean)} ${half(high, meanHigh)})`;
}

/**
 * Where a task's gradient means come from (`$gcg`): none (0); computed here per row (1, channels
 * first: each row is a channel); given by the host per row (2, output axis in the middle: rows are the
 * contiguous runs of one channel, `$mp` walks one float64 per row); given per column (3, output axis
 * last: each row holds one element of every channel, lane j centred by the float64 at `$mp + 8j`).
 * The same numbers as src/fast/tasks.ts's GC_MEANS.
 */
const GC = { none: 0, rowComputed: 1, rowGiven: 2, columnGiven: 3 };

/**
 * GC on the update (`$gcu`, src/fast/tasks.ts's GC_UPDATE): none (0); per row, staged in the thread's
 * scratch row (1, channels first); u written to the tensor's update array for the scan and `apply` (2).
 */
const GCU = { none: 0, scratchRow: 1, toArray: 2 };

/**
 * The gradient mean of this row (GC per row): the float64 the scan computed for it, at `$mp` (the
 * kernels never sum a gradient row themselves: the scan did, in the same read as the finiteness check).
 */
function gradientMean() {
  return `(if (i32.eq (local.get $gcg) (i32.const ${GC.rowGiven}))
      (then (local.set $MG (f64x2.splat (f64.load (local.get $mp))))))`;
}

/** A row body specialized for where the gradient means come from (`$gcg`). */
function byGradientMeans(row) {
  return `(if (i32.eq (local.get $gcg) (i32.const ${GC.columnGiven})) (then ${row('column')})
    (else (if (local.get $gcg) (then ${row('row')}) (else ${row(false)}))))`;
}

function advance(ptrs) {
  return `${ptrs.map((q) => `(local.set ${q} (i32.add (local.get ${q}) (local.get $bytes)))`).join(' ')}
    (if (i32.eq (local.get $gcg) (i32.const ${GC.rowGiven}))
      (then (local.set $mp (i32.add (local.get $mp) (i32.const 8)))))`;
}

/** Loops over `$rows` rows of `$len` elements; `rowBody` processes one. */
function overRows(ptrs, rowBody) {
  const brk = fresh('rowsdone');
  const top = fresh('rows');
  return `(local.set $bytes (i32.shl (local.get $len) (i32.const 2)))
  (block ${brk} (loop ${top}
    (br_if ${brk} (i32.eqz (local.get $rows)))
    ${rowBody}
    ${advance(ptrs)}
    (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
    (br ${top})))`;
}

/**
 * The `'adam'` plan (src/plan/fusedPlan.ts; the host's stepScalars fills the scalars from it):
 * wd1 = coupledDecay, wd2 = decayAfterDirection, $gcg / $gcu whether gradientRule / updateRule
 * applies to the tensor. Per element
 *   gg = g + wd1·p − mean_g;  m = β1·m + c1·gg;  v = β2·v + c2·gg²;  [vmax = max(vmax, v)]
 *   u = m / (sqrt(v̂)·a + eps) + wd2·p;  p −= s·(u − mean_u)
 * where a = 1/sqrt(1−β2^t), s = lr/(1−β1^t) (bias-corrected eps) or a = 1, s = lr·sqrt(1−β2^t)/(1−β1^t)
 * (raw eps), and mean_g / mean_u are the row means (float64) when GC applies there. This kernel runs
 * GC on the update only: the row's u staged in the thread's scratch row, summed, then applied, or
 * written to the tensor's update array (`adamStreamKernel` runs Adam without it).
 */
function adamKernel(name, amsgrad) {
  const ptrs = ['$p', '$g', '$m', '$v', '$up', ...(amsgrad ? ['$vm'] : [])];
  // u of 4 bodies at a time into $u{t}; both decay terms always (wd1, wd2 are run-time values here)
  const direction = (m, t, centred) => {
    const adam = adamStages(m, t, { amsgrad, centred, wd1: true, wd2: true });
    return [...adam.stages, `(local.set $u${t} ${adam.u})`];
  };
  // the row's float64 sum of u, in element order (the 4 bodies' sums one after the other)
  const staged = (centred) =>
    `(local.set $acc (v128.const f64x2 0 0)) (local.set $accs (f64.const 0))
    ${interleavedRowPass((m, t) => [
      ...direction(m, t, centred),
      `${m.st('$scr', `(local.get $u${t})`)} ${m.sum(`(local.get $u${t})`)}`,
    ])}
    (local.set $sum (f64.add (local.get $accs) (f64.add (f64x2.extract_lane 0 (local.get $acc)) ` +
    `(f64x2.extract_lane 1 (local.get $acc)))))
    (local.set $MU ${rowMean()})
    ${interleavedRowPass((m, t) => [
      `(local.set $u${t} ${m.ld('$scr')})`,
      m.st('$p', `(f32x4.sub ${m.ld('$p')} (f32x4.mul (local.get $Vs) ${centre(`$u${t}`, '$MU')}))`),
    ])}`;
  // GC on the update where channels are not rows: u goes to the tensor's own array, summed and applied
  // later. One body per iteration: four interleaved measured no faster here (ResNet-50 in tfjs layout,
  // paired A/B 0.99–1.0) for 16 kB more kernel
  const toArray = (centred) =>
    interleavedRowPass((m, t) => [...direction(m, t, centred), m.st('$up', `(local.get $u${t})`)], { bodies: 1 });
  // reached only with GC on the update (`adamEntry` sends the rest to the streaming specialisations); a
  // staged tensor is channels first, so its gradient means are never per column
  const row = (centred) => `(if (i32.eq (local.get $gcu) (i32.const ${GCU.toArray})) (then ${toArray(centred)})
    (else ${centred === 'column' ? '(unreachable)' : staged(centred)}))`;
  return `(func $${name}
  (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32)
  (param $rows i32) (param $len i32) (param $gcg i32) (param $gcu i32) (param $scr i32) (param $mp i32) (param $up i32)
  (param $wd1 f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
  (param $a f32) (param $eps f32) (param $wd2 f32) (param $s f32)
  ${COMMON_LOCALS} ${interleavedLocals(['$pv', '$gg', '$mv', '$vv', '$ML', '$MH', '$u'])} (local $MU v128)
  (local $Vwd1 v128) (local $Vb1 v128) (local $Vc1 v128) (local $Vb2 v128) (local $Vc2 v128)
  (local $Va v128) (local $Veps v128) (local $Vwd2 v128) (local $Vs v128)
  ${['wd1', 'b1', 'c1', 'b2', 'c2', 'a', 'eps', 'wd2', 's'].map(splat).join(' ')}
  ${overRows(ptrs, `${gradientMean()} ${byGradientMeans(row)}`)})`;
}

/** The 4-lane addressing mode at a constant byte offset `k` past `$o` (the k-th vector of an interleaved pass). */
function vecAt(k) {
  return {
    width: 4,
    ld: (ptr) => `(v128.load offset=${k} (i32.add (local.get ${ptr}) (local.get $o)))`,
    // the vector's two halves, each loaded into lanes 0–1 (for `centreHalves`)
    halves: (ptr) =>
      [k, k + 8].map((at) => `(v128.load64_zero offset=${at} (i32.add (local.get ${ptr}) (local.get $o)))`),
    st: (ptr, val) => `(v128.store offset=${k} (i32.add (local.get ${ptr}) (local.get $o)) ${val})`,
    sum: ROW_SUM.vec,
    // the float64 column means of these 4 lanes (two per v128): at $mp + 2·(o + k)
    means: (lo, hi) => {
      const at = '(i32.add (local.get $mp) (i32.shl (local.get $o) (i32.const 1)))';
      return `(local.set ${lo} (v128.load offset=${2 * k} ${at}))
        (local.set ${hi} (v128.load offset=${2 * k + 16} ${at}))`;
    },
  };
}

/**
 * The 1-lane addressing mode (lane 0 moved, the other lanes read as 0), for the interleaved passes'
 * tails, with its lane's float64 column mean (per column, GC.columnGiven) into `lo`.
 */
const LANE = {
  width: 1,
  ld: (ptr) => `(v128.load32_zero (i32.add (local.get ${ptr}) (local.get $o)))`,
  st: (ptr, val) => `(v128.store32_lane 0 (i32.add (local.get ${ptr}) (local.get $o)) ${val})`,
  sum: ROW_SUM.lane,
  means: (lo) =>
    `(local.set ${lo} (v128.load64_zero (i32.add (local.get $mp) (i32.shl (local.get $o) (i32.const 1)))))`,
};

/** A loop over the row's elements from `$i`, `step` of them per iteration while that many remain. */
function elementLoop(step, bodies) {
  const brk = fresh('done');
  const top = fresh('loop');
  const guard =
    step === 1
      ? `(br_if ${brk} (i32.ge_u (local.get $i) (local.get $len)))`
      : `(br_if ${brk} (i32.gt_u (i32.add (local.get $i) (i32.const ${step})) (local.get $len)))`;
  return `(block ${brk} (loop ${top}
    ${guard}
    (local.set $o (i32.shl (local.get $i) (i32.const 2)))
    ${bodies}
    (local.set $i (i32.add (local.get $i) (i32.const ${step})))
    (br ${top})))`;
}

/**
 * Adam's arithmetic up to its update direction, as stages for `interleavedRowPass` (locals suffixed by
 * `t`): gg = g (+ wd1·p) (− the gradient mean, per `centred`: false, 'row' or 'column'); v (and vmax)
 * updated and stored, before m so that the square root's chain starts first; m updated and stored.
 * Also gives u = m / (sqrt(v̂)·a + eps) (+ wd2·p) and p (the local p was loaded into, else a load).
 */
function adamStages(m, t, { amsgrad, centred, wd1, wd2 }) {
  const withP = wd1 || wd2;
  const pv = `$pv${t}`;
  const gg = `$gg${t}`;
  const mv = `$mv${t}`;
  const vv = `$vv${t}`;
  // without a coupled decay term a row-centred g is widened straight from memory, half by half
  // (`centreHalves`): in cache 0.87 → 0.85 ns/param; per column it measured slower (0.97 → 1.03)
  const direct = !wd1 && centred === 'row' && m.halves;
  const gradient = wd1 ? `(f32x4.add ${m.ld('$g')} (f32x4.mul (local.get $Vwd1) (local.get ${pv})))` : m.ld('$g');
  const direction = `(f32x4.div (local.get ${mv})
      (f32x4.add (f32x4.mul (f32x4.sqrt (local.get ${vv})) (local.get $Va)) (local.get $Veps)))`;
  const stages = [
    `${withP ? `(local.set ${pv} ${m.ld('$p')})` : ''} ${direct ? '' : `(local.set ${gg} ${gradient})`}`,
    centringStage(m, t, centred, direct),
    `(local.set ${vv} (f32x4.add (f32x4.mul (local.get $Vb2) ${m.ld('$v')})
    (f32x4.mul (local.get $Vc2) (f32x4.mul (local.get ${gg}) (local.get ${gg})))))
  ${m.st('$v', `(local.get ${vv})`)}
  ${
    amsgrad
      ? `(local.set ${vv} (f32x4.max ${m.ld('$vm')} (local.get ${vv})))
  ${m.st('$vm', `(local.get ${vv})`)}`
      : ''
  }`,
    `(local.set ${mv} (f32x4.add (f32x4.mul (local.get $Vb1) ${m.ld('$m')})
    (f32x4.mul (local.get $Vc1) (local.get ${gg}))))
  ${m.st('$m', `(local.get ${mv})`)}`,
  ];
  return {
    stages,
    u: wd2 ? `(f32x4.add ${direction} (f32x4.mul (local.get $Vwd2) (local.get ${pv})))` : direction,
    p: withP ? `(local.get ${pv})` : m.ld('$p'),
  };
}

/**
 * The `'adam'` plan without GC on the update, specialised when generated for where the gradient
 * means come from (`centred`: false, 'row' or 'column') and whether the coupled (`wd1`) and decoupled
 * (`wd2`) decay terms exist, so each element pays only its own arithmetic: the same expressions as
 * `adamKernel`, minus the terms that are zero.
 */
function adamStreamKernel(name, { amsgrad, centred, wd1, wd2 }) {
  const ptrs = ['$p', '$g', '$m', '$v', ...(amsgrad ? ['$vm'] : [])];
  const stages = (m, t) => {
    const adam = adamStages(m, t, { amsgrad, centred, wd1, wd2 });
    return [...adam.stages, m.st('$p', `(f32x4.sub ${adam.p} (f32x4.mul (local.get $Vs) ${adam.u}))`)];
  };
  // the locals of each body of the interleaved pass ('': the 4- and 1-lane passes; $pv, $gg: COMMON_LOCALS)
  const locals = interleavedLocals(['$pv', '$gg', '$mv', '$vv', '$ML', '$MH']);
  return `(func $${name}
  (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32)
  (param $rows i32) (param $len i32) (param $gcg i32) (param $mp i32)
  (param $wd1 f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
  (param $a f32) (param $eps f32) (param $wd2 f32) (param $s f32)
  ${COMMON_LOCALS}
  ${locals}
  (local $Vwd1 v128) (local $Vb1 v128) (local $Vc1 v128) (local $Vb2 v128) (local $Vc2 v128)
  (local $Va v128) (local $Veps v128) (local $Vwd2 v128) (local $Vs v128)
  ${['wd1', 'b1', 'c1', 'b2', 'c2', 'a', 'eps', 'wd2', 's'].map(splat).join(' ')}
  ${overRows(ptrs, `${centred === 'row' ? gradientMean() : ''} ${interleavedRowPass(stages)}`)})`;
}

/** `interleavedRowPass`'s local-name suffixes: '' for the 4- and 1-lane passes, then one per vector. */
const INTERLEAVED_TAGS = ['', 'a', 'b', 'c', 'd'];

/**
 * A pass over a row, 16 elements per iteration while 16 remain (`bodies` 4; with `bodies` 1 no such
 * loop), then 4, then 1 lane at a time; `stages(mode, tag)` gives one body as a list of stages, its
 * locals suffixed by `tag`, and the iteration's four bodies are emitted interleaved stage by stage.
 * Measured (in cache, one thread): Adam's update body by body (two per iteration) costs 0.73 / 1.03 /
 * 1.17 ns/param (no GC / row means / column means), interleaved four at a time 0.71 / 0.88 / 0.92 —
 * each body is a long dependency chain (centring, square root, division), and four independent ones
 * side by side keep the core's queues full. Adagrad's update (row / column means) 0.87 / 0.98 → 0.73 /
 * 0.84, SGD with momentum's 0.75 / 0.82 → 0.69 / 0.80; Adam with GC on the update, channels first
 * (staged in the scratch row) 1.37 → 1.26.
 */
function interleavedRowPass(stages, { bodies = 4 } = {}) {
  const interleave = (modes) => {
    const all = modes.map((m, k) => stages(m, modes.length > 1 ? INTERLEAVED_TAGS[k + 1] : ''));
    return all[0].map((_, j) => all.map((st) => st[j]).join('\n')).join('\n');
  };
  return `(local.set $i (i32.const 0))
  ${bodies === 4 ? elementLoop(16, interleave([vecAt(0), vecAt(16), vecAt(32), vecAt(48)])) : ''}
  ${elementLoop(4, interleave([vecAt(0)]))}
  ${elementLoop(1, interleave([LANE]))}`;
}

/**
 * Declarations of the v128 locals `names`, each suffixed by every `INTERLEAVED_TAGS` tag ($pv and $gg
 * untagged are COMMON_LOCALS).
 */
function interleavedLocals(names) {
  return INTERLEAVED_TAGS.flatMap((t) =>
    names.filter((n) => t || (n !== '$pv' && n !== '$gg')).map((n) => `(local ${n}${t} v128)`),
  ).join(' ');
}

/**
 * The gradient as two stages for `interleavedRowPass` (locals suffixed by `t`): p into $pv and
 * gg = g + wd·p, then minus the gradient mean when `centred` ('row': $MG, 'column': one per lane).
 */
function centredGradientStages(m, t, wd, centred) {
  return [
    `(local.set $pv${t} ${m.ld('$p')})
    (local.set $gg${t} (f32x4.add ${m.ld('$g')} (f32x4.mul (local.get $V${wd}) (local.get $pv${t}))))`,
    centringStage(m, t, centred),
  ];
}

/**
 * The centring stage of a gradient body: $gg{t} minus its mean when `centred` ('row': $MG for the whole
 * row, 'column': the float64 means of its lanes into $ML{t} / $MH{t}); `direct`: g is centred as read
 * from memory (`centreHalves` of its two halves) instead of from $gg{t}.
 */
function centringStage(m, t, centred, direct = false) {
  if (!centred) return '';
  const gg = `$gg${t}`;
  const [lo, hi] = centred === 'column' ? [`$ML${t}`, `$MH${t}`] : ['$MG', '$MG'];
  return `${centred === 'column' ? m.means(lo, hi) : ''}
    (local.set ${gg} ${direct ? centreHalves(...m.halves('$g'), lo, hi) : centre(gg, lo, hi)})`;
}

/** An interleaved pass over a row, specialized for where the gradient means come from (`$gcg`). */
function gradientInterleavedPass(stages) {
  return byGradientMeans((centred) => interleavedRowPass((m, t) => stages(m, t, centred)));
}

/** Every specialisation of `adamStreamKernel` for one `amsgrad`, by name suffix. */
function adamStreamVariants(prefix, amsgrad) {
  const out = [];
  for (const centred of [false, 'row', 'column'])
    for (const wd1 of [false, true])
      for (const wd2 of [false, true])
        out.push({ name: `${prefix}_${centred || 'none'}${wd1 ? '_wd1' : ''}${wd2 ? '_wd2' : ''}`, centred, wd1, wd2 });
  return out.map((v) => ({ ...v, wat: adamStreamKernel(v.name, { amsgrad, ...v }) }));
}

/**
 * The entry of the `'adam'` plan: GC on the update stages each row (`adamKernel`); otherwise the
 * streaming specialisation for this task's means and decay terms.
 */
function adamEntry(name, staged, variants) {
  const args = `(local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $vm) (local.get $rows)
    (local.get $len) (local.get $gcg) (local.get $mp) (local.get $wd1) (local.get $b1) (local.get $c1)
    (local.get $b2) (local.get $c2) (local.get $a) (local.get $eps) (local.get $wd2) (local.get $s)`;
  const call = (vs) => `(call $${vs[0].name} ${args})`;
  const split = (test, vs, key) =>
    `(if ${test} (then ${call(vs.filter((v) => v[key]))}) (else ${call(vs.filter((v) => !v[key]))}))`;
  const byDecay = (vs) =>
    `(if (f32.ne (local.get $wd1) (f32.const 0))
      (then ${split(
        '(f32.ne (local.get $wd2) (f32.const 0))',
        vs.filter((v) => v.wd1),
        'wd2',
      )})
      (else ${split(
        '(f32.ne (local.get $wd2) (f32.const 0))',
        vs.filter((v) => !v.wd1),
        'wd2',
      )}))`;
  const centred = (c) => byDecay(variants.filter((v) => v.centred === c));
  const pick = () => `(if (i32.eq (local.get $gcg) (i32.const ${GC.columnGiven})) (then ${centred('column')})
      (else (if (local.get $gcg) (then ${centred('row')}) (else ${centred(false)}))))`;
  return `(func $${name}
  (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $vm i32)
  (param $rows i32) (param $len i32) (param $gcg i32) (param $gcu i32) (param $scr i32) (param $mp i32) (param $up i32)
  (param $wd1 f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
  (param $a f32) (param $eps f32) (param $wd2 f32) (param $s f32)
  (if (local.get $gcu)
    (then (call $${staged} (local.get $p) (local.get $g) (local.get $m) (local.get $v) (local.get $vm)
      (local.get $rows) (local.get $len) (local.get $gcg) (local.get $gcu) (local.get $scr) (local.get $mp)
      (local.get $up) (local.get $wd1) (local.get $b1) (local.get $c1) (local.get $b2) (local.get $c2) (local.get $a)
      (local.get $eps) (local.get $wd2) (local.get $s)))
    (else ${pick()})))`;
}

/**
 * GC on the update where channels are not rows, last step: `p −= s·(u − mean_u)` with u the update the
 * Adam kernel wrote to the tensor's array (`$u`) and its float64 channel means from the scan of u, per
 * row (`$gcg` 2) or per column (3) as for gradients.
 */
function applyCentredKernel(name) {
  const stages = (m, t, centred) => {
    const [lo, hi] = centred === 'column' ? [`$ML${t}`, `$MH${t}`] : ['$MG', '$MG'];
    return [
      `(local.set $uu${t} ${m.ld('$u')}) ${centred === 'column' ? m.means(lo, hi) : ''}`,
      m.st('$p', `(f32x4.sub ${m.ld('$p')} (f32x4.mul (local.get $Vs) ${centre(`$uu${t}`, lo, hi)}))`),
    ];
  };
  return `(func $${name} (param $p i32) (param $u i32) (param $rows i32) (param $len i32) (param $gcg i32)
  (param $mp i32) (param $s f32)
  ${COMMON_LOCALS} ${interleavedLocals(['$uu', '$ML', '$MH'])} (local $Vs v128)
  ${splat('s')}
  ${overRows(['$p', '$u'], `${gradientMean()} ${gradientInterleavedPass(stages)}`)})`;
}

/**
 * The `'sgd'` plan (wd = coupledDecay, $gcg: gradientRule applies):
 *   d = g + wd·p − mean_g;  buf = ka·buf + kb·d;  d' = nd·d + nm·buf;  p = p − lr·d' − dec·p
 * The host picks ka, kb (first step: 0, 1 — the buffer starts as a copy of d; later μ, 1−dampening),
 * nd, nm (Nesterov: 1, μ; heavy ball: 0, 1) and dec (decoupledDecay·lr), so each plan is the exact
 * special case of one expression. Without momentum the buffer is absent: d' = d.
 */
function sgdKernel(name, momentum) {
  const ptrs = ['$p', '$g', ...(momentum ? ['$buf'] : [])];
  const stages = (m, t, centred) => {
    const [pv, gg, b] = [`$pv${t}`, `$gg${t}`, `$b${t}`];
    const buffer = momentum
      ? `(local.set ${b} (f32x4.add (f32x4.mul (local.get $Vka) ${m.ld('$buf')}) ` +
        `(f32x4.mul (local.get $Vkb) (local.get ${gg}))))
        ${m.st('$buf', `(local.get ${b})`)}
        (local.set ${gg} (f32x4.add (f32x4.mul (local.get $Vnd) (local.get ${gg})) ` +
        `(f32x4.mul (local.get $Vnm) (local.get ${b}))))`
      : '';
    const update =
      `(f32x4.sub (f32x4.sub (local.get ${pv}) (f32x4.mul (local.get $Vlr) (local.get ${gg}))) ` +
      `(f32x4.mul (local.get $Vdec) (local.get ${pv})))`;
    return [...centredGradientStages(m, t, 'wd', centred), buffer, m.st('$p', update)];
  };
  return (
    `(func $${name}
  (param $p i32) (param $g i32) (param $buf i32) (param $rows i32) (param $len i32) (param $gcg i32) (param $mp i32)
  (param $wd f32) (param $ka f32) (param $kb f32) (param $nd f32) (param $nm f32) (param $lr f32) (param $dec f32)
  ${COMMON_LOCALS} ${interleavedLocals(['$pv', '$gg', '$ML', '$MH', '$b'])}
  (local $Vwd v128) (local $Vka v128) (local $Vkb v128) (local $Vnd v128) (local $Vnm v128) ` +
    `(local $Vlr v128) (local $Vdec v128)
  ${['wd', 'ka', 'kb', 'nd', 'nm', 'lr', 'dec'].map(splat).join(' ')}
  ${overRows(ptrs, `${gradientMean()} ${gradientInterleavedPass(stages)}`)})`
  );
}

/**
 * The `'adagrad'` plan (wd = coupledDecay, $gcg: gradientRule applies):
 *   gg = g + wd·p − mean_g;  sum += gg²;  p −= clr·gg/(sqrt(sum) + eps).
 */
function adagradKernel(name) {
  const stages = (m, t, centred) => {
    const [pv, gg, sq] = [`$pv${t}`, `$gg${t}`, `$acc2${t}`];
    const update =
      `(f32x4.sub (local.get ${pv}) (f32x4.mul (local.get $Vclr) ` +
      `(f32x4.div (local.get ${gg}) (f32x4.add (f32x4.sqrt (local.get ${sq})) (local.get $Veps)))))`;
    return [
      ...centredGradientStages(m, t, 'wd', centred),
      `(local.set ${sq} (f32x4.add ${m.ld('$sq')} (f32x4.mul (local.get ${gg}) (local.get ${gg}))))
      ${m.st('$sq', `(local.get ${sq})`)}`,
      m.st('$p', update),
    ];
  };
  return `(func $${name}
  (param $p i32) (param $g i32) (param $sq i32) (param $rows i32) (param $len i32) (param $gcg i32) (param $mp i32)
  (param $wd f32) (param $eps f32) (param $clr f32)
  ${COMMON_LOCALS} ${interleavedLocals(['$pv', '$gg', '$ML', '$MH', '$acc2'])}
  (local $Vwd v128) (local $Veps v128) (local $Vclr v128)
  ${['wd', 'eps', 'clr'].map(splat).join(' ')}
  ${overRows(['$p', '$g', '$sq'], `${gradientMean()} ${gradientInterleavedPass(stages)}`)})`;
}

/**
 * 1 if any of the `$len` floats at `$g` is NaN or ±Infinity (x − x is +0 exactly for every finite x):
 * SCAN_STREAMS quarters of the run read at once (4 floats of each per iteration), then its last
 * `$len` mod 16 floats.
 */
function nonFiniteKernel(name) {
  const streams = Array.from({ length: SCAN_STREAMS }, (_, k) => k);
  const loadAt = (k) => `(v128.load (i32.add (local.get $g) (i32.add (local.get $o) (local.get $q${k}))))`;
  return `(func $${name} (param $g i32) (param $len i32) (result i32)
  (local $i i32) (local $o i32) (local $n i32) (local $bad v128) (local $tmp v128)
  ${streams.map((k) => `(local $q${k} i32)`).join(' ')}
  ;; a quarter of the run, whole vectors: $n floats, stream k from byte $q_k
  (local.set $n (i32.shl (i32.shr_u (local.get $len) (i32.const 4)) (i32.const 2)))
  ${streams.map((k) => `(local.set $q${k} (i32.mul (local.get $n) (i32.const ${4 * k})))`).join(' ')}
  (local.set $i (i32.const 0))
  ${countedLoop(
    '$i',
    '$n',
    4,
    `(local.set $o (i32.shl (local.get $i) (i32.const 2)))
    ${streams.map((k) => nonFinite(loadAt(k))).join('\n')}`,
  )}
  (local.set $i (i32.mul (local.get $n) (i32.const ${SCAN_STREAMS})))
  ${countedLoop(
    '$i',
    '$len',
    1,
    `(local.set $o (i32.shl (local.get $i) (i32.const 2)))
    ${nonFinite(LANE.ld('$g'))}`,
  )}
  (v128.any_true (local.get $bad)))`;
}

/** A counted loop: `$var` from its current value while `$var + step ≤ $limit` (`step` 1: while < limit). */
function countedLoop(v, limit, step, body) {
  const brk = fresh('end');
  const top = fresh('next');
  return `(block ${brk} (loop ${top}
    (br_if ${brk} (i32.gt_u (i32.add (local.get ${v}) (i32.const ${step})) (local.get ${limit})))
    ${body}
    (local.set ${v} (i32.add (local.get ${v}) (i32.const ${step})))
    (br ${top})))`;
}

/**
 * Read streams per thread in the scans: a run of a block (4 slices or channels a quarter of the block
 * apart) read at once. On a 2-core Zen 3 VM one contiguous read per thread reached ~22 GB/s across
 * both threads, four ~30–35 GB/s (the update's 7 streams ~45 GB/s).
 */
const SCAN_STREAMS = 4;

/**
 * The scan: one read of a block of a tensor's gradient that both checks it (NaN or ±Infinity makes
 * the result 1) and sums it per output channel, so GC's means cost no pass of their own and the
 * update reads them (float64) like host-given ones. The tensor is viewed as [outer, channels, inner];
 * the block is `$outer` of its slices (`$stride` bytes apart), `$cw` channels of each, whose
 * `$cw·$inner` floats are contiguous. Channel c's float64 sum of `g + wd·p` over the block goes to
 * `$mp + 8c` (docs/ALGORITHMS.md §1, §5.2: the coupled L2 term is centred too), divided by `$n` when
 * `$n` > 0 (the block holds all of the channel: its mean). inner = 1 (output axis last) reads
 * SCAN_STREAMS slices at once and adds them into the channel sums; inner > 1 reads SCAN_STREAMS channels'
 * runs at once, each summed in two float64 pairs. The check ORs `x − x`: +0 exactly for every finite
 * float, NaN otherwise.
 */
function scanKernel(name) {
  // x = g (+ wd·p): with a decay term g itself is checked per element (g + wd·p may overflow where g
  // does not); without, the float64 sums carry the check (see the end)
  // x := the 4 floats (`lane`: 1) at pointer g (+ `offset` bytes), checked and with wd·p (at p) added
  // when `withP`
  const load = (x, mode, withP, { g = '$gp', p = '$pp', offset = 0 } = {}) => {
    const ld = (ptr) =>
      mode === 'vec' ? `(v128.load offset=${offset} (local.get ${ptr}))` : `(v128.load32_zero (local.get ${ptr}))`;
    if (!withP) return `(local.set ${x} ${ld(g)})`;
    return `(local.set ${x} ${ld(g)})
      (local.set $bad (v128.or (local.get $bad) (f32x4.sub (local.get ${x}) (local.get ${x}))))
      (local.set ${x} (f32x4.add (local.get ${x}) (f32x4.mul (local.get $Vwd) ${ld(p)})))`;
  };
  const high = (x) => `(f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 ${x} ${x}))`;
  // the 4 floats (`lane`: 1) at pointer g (+ `offset`) as two float64 pairs (`lane`: one, its second
  // lane 0, no `hi`): without a decay term each pair is widened straight from memory (no shuffle); with
  // one, from the checked g + wd·p in local `x`
  const pairsAt = ({ g, p, x }, mode, withP, offset = 0) => {
    if (withP)
      return {
        pre: load(x, mode, true, { g, p, offset }),
        lo: `(f64x2.promote_low_f32x4 (local.get ${x}))`,
        hi: mode === 'lane' ? null : high(`(local.get ${x})`),
      };
    if (mode === 'lane')
      return { pre: '', lo: `(f64x2.promote_low_f32x4 (v128.load32_zero (local.get ${g})))`, hi: null };
    const half = (at) => `(f64x2.promote_low_f32x4 (v128.load64_zero offset=${at} (local.get ${g})))`;
    return { pre: '', lo: half(offset), hi: half(offset + 8) };
  };
  // 4 floats at $gp (+ k), into x
  const pairs = (x, withP, k = 0) => pairsAt({ g: '$gp', p: '$pp', x }, 'vec', withP, k);
  // stream k's: at its pointers $sk (g) and $tk (p), into $xk
  const streamPairs = (k, mode, withP) => pairsAt({ g: `$s${k}`, p: `$t${k}`, x: `$x${k}` }, mode, withP);
  // each [g, p] pointer pair `bytes` on (a constant or an expression); p only with a decay term
  const bumpPointers = (pointers, bytes, withP) => {
    const by = typeof bytes === 'number' ? `(i32.const ${bytes})` : bytes;
    return pointers
      .map(
        ([g, p]) => `(local.set ${g} (i32.add (local.get ${g}) ${by}))
          ${withP ? `(local.set ${p} (i32.add (local.get ${p}) ${by}))` : ''}`,
      )
      .join(' ');
  };
  const bump = (bytes, withP) => bumpPointers([['$gp', '$pp']], bytes, withP);
  const addTo = (at, offset, value) =>
    `(v128.store offset=${offset} (local.get ${at})
      (f64x2.add (v128.load offset=${offset} (local.get ${at})) ${value}))`;
  // every stream's pointers `bytes` on
  const bumpStreams = (n, bytes, withP) =>
    bumpPointers(
      streams(n).map((k) => [`$s${k}`, `$t${k}`]),
      bytes,
      withP,
    );
  const sumTree = (xs) =>
    xs.length === 1 ? xs[0] : `(f64x2.add ${sumTree(xs.slice(0, xs.length / 2))} ${sumTree(xs.slice(xs.length / 2))})`;
  const streams = (n) => Array.from({ length: n }, (_, k) => k);
  // stream k's pointers `offsetOf(k)` bytes past the bases g and p
  const placeStreams = (n, [g, p], offsetOf, withP) =>
    streams(n)
      .map(
        (k) => `(local.set $s${k} (i32.add (local.get ${g}) ${offsetOf(k)}))
          ${withP ? `(local.set $t${k} (i32.add (local.get ${p}) ${offsetOf(k)}))` : ''}`,
      )
      .join(' ');
  // slice `first + k·$h` of the block
  const sliceOf = (first) => (k) =>
    `(i32.mul (i32.add ${first} (i32.mul (local.get $h) (i32.const ${k}))) (local.get $stride))`;
  // output axis last (inner 1): each slice holds one element of every channel. `n` slices at once (one
  // per stream), 4 channels at a time, their float64 values added into the channel sums at $mp (L1)
  const slicesAtOnce = (n, withP) => {
    const vec = streams(n).map((k) => streamPairs(k, 'vec', withP));
    const lane = streams(n).map((k) => streamPairs(k, 'lane', withP));
    return `(local.set $q (local.get $mp)) (local.set $c (i32.const 0))
      ${countedLoop(
        '$c',
        '$cw',
        4,
        `${vec.map((v) => v.pre).join(' ')}
        ${addTo('$q', 0, sumTree(vec.map((v) => v.lo)))}
        ${addTo('$q', 16, sumTree(vec.map((v) => v.hi)))}
        ${bumpStreams(n, 16, withP)} (local.set $q (i32.add (local.get $q) (i32.const 32)))`,
      )}
      ${countedLoop(
        '$c',
        '$cw',
        1,
        `${lane.map((v) => v.pre).join(' ')}
        (f64.store (local.get $q) (f64.add (f64.load (local.get $q))
          (f64x2.extract_lane 0 ${sumTree(lane.map((v) => v.lo))})))
        ${bumpStreams(n, 4, withP)} (local.set $q (i32.add (local.get $q) (i32.const 8)))`,
      )}
      ${bumpStreams(n, '(local.get $skip)', withP)}`;
  };
  // SCAN_STREAMS streams over consecutive quarters of the block's slices, then its last `$outer` mod 4
  // slices one stream (one contiguous read per thread leaves much of a core's memory-level parallelism
  // unused: SCAN_STREAMS)
  const acrossSlices = (withP) => `(local.set $h (i32.div_u (local.get $outer) (i32.const ${SCAN_STREAMS})))
    ;; from the end of a slice's channels to the next slice
    (local.set $skip (i32.sub (local.get $stride) (i32.shl (local.get $cw) (i32.const 2))))
    ${placeStreams(SCAN_STREAMS, ['$g', '$p'], sliceOf('(i32.const 0)'), withP)}
    (local.set $o (i32.const 0))
    ${countedLoop('$o', '$h', 1, slicesAtOnce(SCAN_STREAMS, withP))}
    (local.set $o (i32.mul (local.get $h) (i32.const ${SCAN_STREAMS})))
    ${placeStreams(1, ['$g', '$p'], sliceOf('(local.get $o)'), withP)}
    ${countedLoop('$o', '$outer', 1, slicesAtOnce(1, withP))}`;
  // inner > 1, the block's channels [0, 4h) as SCAN_STREAMS streams (channels c, c + h, c + 2h, c + 3h
  // summed at once, each in its own two float64 pairs), the rest one channel at a time
  const runsAtOnce = (withP) => {
    const acc = (k, half) => `$b${2 * k + half}`;
    const addAll = (mode) =>
      streams(SCAN_STREAMS)
        .map((k) => {
          const v = streamPairs(k, mode, withP);
          const add = (a, x) => `(local.set ${a} (f64x2.add (local.get ${a}) ${x}))`;
          return `${v.pre} ${add(acc(k, 0), v.lo)} ${v.hi ? add(acc(k, 1), v.hi) : ''}`;
        })
        .join('\n');
    const store = (k) => {
      const q = `(i32.add (local.get $q) (i32.mul (local.get $hq) (i32.const ${k})))`;
      const pair = `(f64x2.add (local.get ${acc(k, 0)}) (local.get ${acc(k, 1)}))`;
      return `(f64.store ${q} (f64.add (f64.load ${q})
        (f64.add (f64x2.extract_lane 0 ${pair}) (f64x2.extract_lane 1 ${pair}))))`;
    };
    const runBytes = '(i32.shl (local.get $inner) (i32.const 2))';
    // the bytes of the other streams' channels (h runs each) past stream 0's
    const otherRuns = `(i32.mul (i32.mul (local.get $h) (i32.const ${SCAN_STREAMS - 1})) ${runBytes})`;
    return `(local.set $h (i32.div_u (local.get $cw) (i32.const ${SCAN_STREAMS})))
    (local.set $hq (i32.shl (local.get $h) (i32.const 3)))
    (local.set $c (i32.const 0))
    ${countedLoop(
      '$c',
      '$h',
      1,
      `${streams(2 * SCAN_STREAMS)
        .map((k) => `(local.set $b${k} (v128.const f64x2 0 0))`)
        .join(' ')}
      ${placeStreams(
        SCAN_STREAMS,
        ['$gp', '$pp'],
        (k) => `(i32.mul (i32.mul (local.get $h) (i32.const ${k})) ${runBytes})`,
        withP,
      )}
      (local.set $i (i32.const 0))
      ${countedLoop('$i', '$inner', 4, `${addAll('vec')} ${bumpStreams(SCAN_STREAMS, 16, withP)}`)}
      ${countedLoop('$i', '$inner', 1, `${addAll('lane')} ${bumpStreams(SCAN_STREAMS, 4, withP)}`)}
      ${streams(SCAN_STREAMS).map(store).join(' ')}
      (local.set $gp (i32.add (local.get $gp) ${runBytes}))
      ${withP ? `(local.set $pp (i32.add (local.get $pp) ${runBytes}))` : ''}
      (local.set $q (i32.add (local.get $q) (i32.const 8)))`,
    )}
    ;; on past the other streams' channels: channel 4h next
    (local.set $gp (i32.add (local.get $gp) ${otherRuns}))
    ${withP ? `(local.set $pp (i32.add (local.get $pp) ${otherRuns}))` : ''}
    (local.set $q (i32.add (local.get $q) (i32.mul (local.get $hq) (i32.const ${SCAN_STREAMS - 1}))))
    (local.set $c (i32.mul (local.get $h) (i32.const ${SCAN_STREAMS})))`;
  };
  // inner > 1: the streamed channels (runsAtOnce), then each remaining channel's run summed along it
  const alongRuns = (withP) => {
    const x8 = pairs('$x', withP);
    const y8 = pairs('$y', withP, 16);
    const x4 = pairs('$x', withP);
    // 16 floats per iteration (less loop overhead per float), two terms into each of the 4 sums
    const sixteen = [0, 16, 32, 48]
      .map((k, j) => {
        const v = pairs(j % 2 ? '$y' : '$x', withP, k);
        const [lo, hi] = j % 2 ? ['$a2', '$a3'] : ['$a0', '$a1'];
        return `${v.pre} (local.set ${lo} (f64x2.add (local.get ${lo}) ${v.lo}))
        (local.set ${hi} (f64x2.add (local.get ${hi}) ${v.hi}))`;
      })
      .join('\n');
    return `${runsAtOnce(withP)}
    ${countedLoop(
      '$c',
      '$cw',
      1,
      `(local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
      (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0)) (local.set $as (f64.const 0))
      (local.set $i (i32.const 0))
      ${countedLoop('$i', '$inner', 16, `${sixteen} ${bump(64, withP)}`)}
      ${countedLoop(
        '$i',
        '$inner',
        8,
        `${x8.pre} ${y8.pre}
        (local.set $a0 (f64x2.add (local.get $a0) ${x8.lo}))
        (local.set $a1 (f64x2.add (local.get $a1) ${x8.hi}))
        (local.set $a2 (f64x2.add (local.get $a2) ${y8.lo}))
        (local.set $a3 (f64x2.add (local.get $a3) ${y8.hi}))
        ${bump(32, withP)}`,
      )}
      ${countedLoop(
        '$i',
        '$inner',
        4,
        `${x4.pre}
        (local.set $a0 (f64x2.add (local.get $a0) ${x4.lo}))
        (local.set $a1 (f64x2.add (local.get $a1) ${x4.hi}))
        ${bump(16, withP)}`,
      )}
      ${countedLoop(
        '$i',
        '$inner',
        1,
        `${load('$x', 'lane', withP)} ${bump(4, withP)}
        (local.set $as (f64.add (local.get $as) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $x)))))`,
      )}
      (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1))
        (f64x2.add (local.get $a2) (local.get $a3))))
      (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (f64.add (local.get $as)
        (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))))
      (local.set $q (i32.add (local.get $q) (i32.const 8)))`,
    )}`;
  };
  const slice = (body) => `(local.set $gp (i32.add (local.get $g) (i32.mul (local.get $o) (local.get $stride))))
      (local.set $pp (i32.add (local.get $p) (i32.mul (local.get $o) (local.get $stride))))
      (local.set $q (local.get $mp))
      ${body}`;
  const slices = (withP) => `(local.set $o (i32.const 0))
    (if (i32.eq (local.get $inner) (i32.const 1))
      (then ${acrossSlices(withP)})
      (else ${countedLoop('$o', '$outer', 1, slice(alongRuns(withP)))}))`;
  const perMean = (body) => `(local.set $c (i32.const 0))
    ${countedLoop(
      '$c',
      '$cw',
      1,
      `(local.set $q (i32.add (local.get $mp) (i32.shl (local.get $c) (i32.const 3))))
      ${body}`,
    )}`;
  return `(func $${name} (param $g i32) (param $p i32) (param $outer i32) (param $cw i32) (param $inner i32)
  (param $stride i32) (param $mp i32) (param $n i32) (param $wd f32) (result i32)
  (local $o i32) (local $c i32) (local $i i32) (local $gp i32) (local $pp i32) (local $q i32)
  (local $Vwd v128) (local $bad v128) (local $x v128) (local $y v128) (local $h i32) (local $hq i32) (local $skip i32)
  (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $as f64) (local $chk f64)
  ${streams(SCAN_STREAMS)
    .map((k) => `(local $s${k} i32) (local $t${k} i32) (local $x${k} v128)`)
    .join(' ')}
  ${streams(2 * SCAN_STREAMS)
    .map((k) => `(local $b${k} v128)`)
    .join(' ')}
  (local.set $Vwd (f32x4.splat (local.get $wd)))
  ${perMean('(f64.store (local.get $q) (f64.const 0))')}
  (if (f32.eq (local.get $wd) (f32.const 0)) (then ${slices(false)}) (else ${slices(true)}))
  ;; a float64 sum of finite float32s is finite (|sum| < 2^32 · 2^128); one NaN or ±Infinity makes it
  ;; NaN or ±Infinity, and s − s turns either into NaN
  ${perMean(`(local.set $chk (f64.add (local.get $chk)
    (f64.sub (f64.load (local.get $q)) (f64.load (local.get $q)))))`)}
  (if (local.get $n) (then
    ${perMean('(f64.store (local.get $q) (f64.div (f64.load (local.get $q)) (f64.convert_i32_u (local.get $n))))')}))
  (if (result i32) (f32.eq (local.get $wd) (f32.const 0))
    (then (f64.ne (local.get $chk) (local.get $chk)))
    (else (v128.any_true (local.get $bad)))))`;
}

/**
 * The means of a tensor whose scan blocks were slice ranges: `$parts` float64 vectors of `$cw` partial
 * channel sums at `$sp` (one per block, in slice order), added per channel and divided by `$n` into
 * `$mp + 8c`.
 */
function reduceKernel(name) {
  // row by row (each partial vector read once, in order), two channels per f64x2 then the odd one
  const overChannels = (body) => `(local.set $c (i32.const 0))
    ${countedLoop('$c', '$cw', 2, body('vec'))}
    ${countedLoop('$c', '$cw', 1, body('lane'))}`;
  const at = (base) => `(i32.add (local.get ${base}) (i32.shl (local.get $c) (i32.const 3)))`;
  const ld = (mode, base) => (mode === 'vec' ? `(v128.load ${at(base)})` : `(v128.load64_zero ${at(base)})`);
  const st = (mode, value) =>
    mode === 'vec' ? `(v128.store ${at('$mp')} ${value})` : `(f64.store ${at('$mp')} (f64x2.extract_lane 0 ${value}))`;
  return `(func $${name} (param $sp i32) (param $parts i32) (param $cw i32) (param $mp i32) (param $n i32)
  (local $c i32) (local $s i32) (local $row i32) (local $Vn v128)
  (local.set $Vn (f64x2.splat (f64.convert_i32_u (local.get $n))))
  ${overChannels((m) => st(m, ld(m, '$sp')))}
  (local.set $row (local.get $sp)) (local.set $s (i32.const 1))
  ${countedLoop(
    '$s',
    '$parts',
    1,
    `(local.set $row (i32.add (local.get $row) (i32.shl (local.get $cw) (i32.const 3))))
    ${overChannels((m) => st(m, `(f64x2.add ${ld(m, '$mp')} ${ld(m, '$row')})`))}`,
  )}
  ${overChannels((m) => st(m, `(f64x2.div ${ld(m, '$mp')} (local.get $Vn))`))})`;
}

/** The dispatcher: runs tasks [first, last) of the task table at `table` with this thread's scratch row. */
function runFunction() {
  const I = (k) => `(i32.trunc_sat_f64_u (f64.load offset=${k * 8} (local.get $t)))`;
  const F = (k) => `(f32.demote_f64 (f64.load offset=${k * 8} (local.get $t)))`;
  return `(func $run (export "run") (param $table i32) (param $first i32) (param $last i32) (param $scr i32)
  (local $t i32) (local $kind i32)
  (block $end (loop $next
    (br_if $end (i32.ge_u (local.get $first) (local.get $last)))
    (local.set $t (i32.add (local.get $table) (i32.mul (local.get $first) (i32.const ${TASK_SLOTS * 8}))))
    (local.set $kind ${I(0)})
    (if (i32.eq (local.get $kind) (i32.const 1)) (then
      (call $adam ${I(1)} ${I(2)} ${I(3)} ${I(4)} (i32.const 0) ${I(6)} ${I(7)} ${I(8)} ${I(9)}
        (local.get $scr) ${I(20)} ${I(21)}
        ${F(10)} ${F(11)} ${F(12)} ${F(13)} ${F(14)} ${F(15)} ${F(16)} ${F(17)} ${F(18)})))
    (if (i32.eq (local.get $kind) (i32.const 2)) (then
      (call $adam_amsgrad ${I(1)} ${I(2)} ${I(3)} ${I(4)} ${I(5)} ${I(6)} ${I(7)} ${I(8)} ${I(9)}
        (local.get $scr) ${I(20)} ${I(21)}
        ${F(10)} ${F(11)} ${F(12)} ${F(13)} ${F(14)} ${F(15)} ${F(16)} ${F(17)} ${F(18)})))
    (if (i32.eq (local.get $kind) (i32.const 3)) (then
      (call $sgd ${I(1)} ${I(2)} (i32.const 0) ${I(6)} ${I(7)} ${I(8)} ${I(20)}
        ${F(10)} ${F(11)} ${F(12)} ${F(13)} ${F(14)} ${F(15)} ${F(16)})))
    (if (i32.eq (local.get $kind) (i32.const 4)) (then
      (call $sgd_momentum ${I(1)} ${I(2)} ${I(3)} ${I(6)} ${I(7)} ${I(8)} ${I(20)}
        ${F(10)} ${F(11)} ${F(12)} ${F(13)} ${F(14)} ${F(15)} ${F(16)})))
    (if (i32.eq (local.get $kind) (i32.const 5)) (then
      (call $adagrad ${I(1)} ${I(2)} ${I(3)} ${I(6)} ${I(7)} ${I(8)} ${I(20)} ${F(10)} ${F(16)} ${F(18)})))
    (if (i32.eq (local.get $kind) (i32.const 6)) (then
      (f64.store offset=${19 * 8} (local.get $t) (f64.convert_i32_u (call $non_finite ${I(2)} ${I(7)})))))
    (if (i32.eq (local.get $kind) (i32.const 7)) (then
      (f64.store offset=${19 * 8} (local.get $t) (f64.convert_i32_u
        (call $scan ${I(2)} ${I(1)} ${I(6)} ${I(3)} ${I(4)} ${I(5)} ${I(20)} ${I(7)} ${F(10)})))))
    (if (i32.eq (local.get $kind) (i32.const 8)) (then
      (call $reduce ${I(2)} ${I(6)} ${I(3)} ${I(20)} ${I(7)})))
    (if (i32.eq (local.get $kind) (i32.const 9)) (then
      (call $apply_centred ${I(1)} ${I(21)} ${I(6)} ${I(7)} ${I(8)} ${I(20)} ${F(18)})))
    (local.set $first (i32.add (local.get $first) (i32.const 1)))
    (br $next))))`;
}

/** The whole module. `shared`: imports a shared memory (threads); otherwise a plain one. */
export function kernelsWat({ shared }) {
  labelCounter = 0;
  const adam = adamStreamVariants('adam', false);
  const amsgrad = adamStreamVariants('adam_amsgrad', true);
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  const memoryNote = shared ? 'Shared memory (threads).' : 'Unshared memory.';
  return `;; GENERATED by packages/core/scripts/build-wasm.mjs — do not edit; edit the generator.
;; Fused GC optimizer kernels over float32 rows, WebAssembly SIMD (f32x4). ${memoryNote}
(module
(import "env" "memory" ${memory})
${adamKernel('adam_staged', false)}
${adamKernel('adam_amsgrad_staged', true)}
${adam.map((v) => v.wat).join('\n')}
${amsgrad.map((v) => v.wat).join('\n')}
${adamEntry('adam', 'adam_staged', adam)}
${adamEntry('adam_amsgrad', 'adam_amsgrad_staged', amsgrad)}
${sgdKernel('sgd', false)}
${sgdKernel('sgd_momentum', true)}
${adagradKernel('adagrad')}
${nonFiniteKernel('non_finite')}
${scanKernel('scan')}
${reduceKernel('reduce')}
${applyCentredKernel('apply_centred')}
${runFunction()}
)
`;
}

const FEATURES = { simd: true, threads: true, sat_float_to_int: true };

/** Assembles WAT to a binary with wabt (SIMD and threads enabled). */
export async function assemble(wat, filename) {
  const require = createRequire(import.meta.url);
  const wabt = await require('wabt')();
  const mod = wabt.parseWat(filename, wat, FEATURES);
  try {
    mod.validate(FEATURES);
    return new Uint8Array(mod.toBinary({ log: false, write_debug_names: false }).buffer);
  } finally {
    mod.destroy();
  }
}

/** The generated files, by name: the two WAT texts and the TypeScript module holding both binaries. */
export async function buildFiles() {
  const files = {};
  const binaries = {};
  for (const shared of [false, true]) {
    const name = shared ? 'kernels.shared.wat' : 'kernels.wat';
    const wat = kernelsWat({ shared });
    files[name] = wat;
    binaries[shared ? 'shared' : 'unshared'] = Buffer.from(await assemble(wat, name)).toString('base64');
  }
  files['kernelsBinary.ts'] =
    `// GENERATED by packages/core/scripts/build-wasm.mjs from the kernels.wat / kernels.shared.wat texts
// beside this file — do not edit. \`pnpm --filter @gcopt/core build:wasm\` rebuilds; a test checks it.

/** Task-table slots per task (f64 each). */
export const TASK_SLOTS = ${TASK_SLOTS};
/** Read streams per thread in the scan kernels (channels or slices read at once). */
export const SCAN_STREAMS = ${SCAN_STREAMS};
/** The kernels for an unshared memory (one thread). */
export const KERNELS_WASM_BASE64 =
  '${binaries.unshared}';
/** The same kernels importing a shared memory (worker threads). */
export const KERNELS_SHARED_WASM_BASE64 =
  '${binaries.shared}';
`;
  return files;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await buildFiles();
  let stale = 0;
  for (const [name, text] of Object.entries(files)) {
    const path = join(OUT_DIR, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`stale: ${path} differs from a fresh build (run: node scripts/build-wasm.mjs)`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  if (stale) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
