import type { WgslRule } from './wgslRule.js';

/** Threads per workgroup. */
export const WORKGROUP = 256;
/** Elements each thread keeps in registers: a row of up to TILE elements is read once. */
export const PER_THREAD = 16;
/** Invocations per workgroup of `updateRows` (one row each). */
export const ROW_LANES = 64;
/** The reduction's fan-in per level: WORKGROUP = REDUCE_GROUPS². */
const REDUCE_GROUPS = 16;
/** Elements one workgroup handles: a longer row is split into tiles, reduced in two phases. */
export const TILE = WORKGROUP * PER_THREAD;

/** Fields of the per-tensor uniform, in order (all u32; see `tensorUniform`). */
export const TENSOR_FIELDS = [
  'index',
  'rows',
  'fanIn',
  'outer',
  'inner',
  'tiles',
  'centred',
  'groupsX',
  'size',
  'checkGroupsX',
] as const;

/** Bindings of group 0, shared by every entry point (one explicit layout). */
export const BINDING = { tensor: 0, step: 1, flags: 2, g: 3, p: 4, rowSums: 5, firstSlot: 6 } as const;

/**
 * The WGSL module of one optimizer: five entry points, each over one tensor.
 *
 * - `check`: flags NaN/±Inf in the gradient. `flags[0]` holds the first refused step (0: none),
 *   `flags[2 + 2i]` the bitwise NOT of the smallest bad flat index of tensor i (so atomicMax finds
 *   the smallest), `flags[3 + 2i]` that element's bits (captured by the update entry points).
 * - `rowPartials`: for rows longer than TILE, each tile's float-float sum of `x − shift` into
 *   `rowSums` (per row: the shift, then hi and lo per tile). Reads only.
 * - `update`: one workgroup per row (or per tile of a long row) of a centred tensor: reduces the
 *   row's values in workgroup memory with a compensated sum (or adds up the tiles' sums), centres
 *   them and applies the step.
 * - `updateRows`: the same with one invocation per row and no barrier (software adapters).
 * - `updateFlat`: the step of a tensor GC leaves alone, element-wise.
 * The update entry points skip everything when a step was refused (`flags[0] ≠ 0`): a refused step
 * changes nothing.
 *
 * Element (row r, j) of a centred tensor sits at `(o·rows + r)·inner + i` with `j = o·inner + i`
 * (docs/ALGORITHMS.md §0.3: the output axis anywhere); a tensor GC leaves alone is one flat row.
 *
 * Precision: the mean is kept as `shift + dh + dl` (shift: the row's first value; dh + dl a
 * float-float mean of `x − shift` built with error-free transformations) and subtracted with one
 * final rounding, as exact as the core's float64 mean (docs/ALGORITHMS.md §1). Drivers simplify
 * float algebra (Mesa turns `(a + b) − a` into `b`), so each rounded intermediate is multiplied by
 * `S.one`, a uniform that is 1 but unknown to the compiler.
 */
export function wgslModule(rule: WgslRule): string {
  const slotBindings = rule.slots
    .map(
      (s, k) => `@group(0) @binding(${BINDING.firstSlot + k}) var<storage, read_write> s${k}: array<f32>; // ${s.name}`,
    )
    .join('\n');
  return `
const WG: u32 = ${WORKGROUP}u;
const PER: u32 = ${PER_THREAD}u;
const TILE: u32 = ${TILE}u;
const GROUPS: u32 = ${REDUCE_GROUPS}u;
const ROW_LANES: u32 = ${ROW_LANES}u;

struct Tensor { ${TENSOR_FIELDS.map((f) => `${f}: u32`).join(', ')} }
struct Step { one: f32, t: u32, l2: f32, l2Low: f32, ${rule.stepFields.map((f) => `${f}: f32`).join(', ')} }

@group(0) @binding(${BINDING.tensor}) var<uniform> T: Tensor;
@group(0) @binding(${BINDING.step}) var<uniform> S: Step;
@group(0) @binding(${BINDING.flags}) var<storage, read_write> flags: array<atomic<u32>>;
@group(0) @binding(${BINDING.g}) var<storage, read> g: array<f32>;
@group(0) @binding(${BINDING.p}) var<storage, read_write> p: array<f32>;
@group(0) @binding(${BINDING.rowSums}) var<storage, read_write> rowSums: array<f32>;
${slotBindings}

var<workgroup> redHi: array<f32, WG>;
var<workgroup> redLo: array<f32, WG>;
var<workgroup> groupHi: array<f32, GROUPS>;
var<workgroup> groupLo: array<f32, GROUPS>;
var<workgroup> wgFlag: u32;
var<workgroup> wgShift: f32;
var<private> loadedP: f32;

// the rounding error of s = a + b (TwoSum): a + b = s + error exactly
fn sumError(a: f32, b: f32, s: f32) -> f32 {
  let bv = (s - a) * S.one;
  return (a - (s - bv)) * S.one + (b - bv);
}

// the high half of a float32 (Veltkamp split by 2^12 + 1)
fn splitHigh(a: f32) -> f32 {
  let t = 4097.0 * a * S.one;
  return t - (t - a) * S.one;
}

// the rounding error of p = a·b (Dekker's TwoProduct)
fn productError(a: f32, b: f32, q: f32) -> f32 {
  let ah = splitHigh(a);
  let al = (a - ah) * S.one;
  let bh = splitHigh(b);
  let bl = (b - bh) * S.one;
  return ((ah * bh - q) * S.one + ah * bl + al * bh) * S.one + al * bl;
}

// g + l2·p rounded once (l2 = 0: exactly g); l2 is the float-float S.l2 + S.l2Low, so the product
// is the one of the double decay factor, as in the core
fn gradientTerm(gv: f32, pv: f32) -> f32 {
  if (S.l2 == 0.0) { return gv; }
  let ph = S.l2 * pv * S.one;
  let pl = productError(S.l2, pv, ph) + S.l2Low * pv;
  let sh = (gv + ph) * S.one;
  return sh + (sumError(gv, ph, sh) + pl);
}

// x − (shift + dh + dl) with one final rounding
fn centre(x: f32, mean: vec3<f32>) -> f32 {
  if (T.centred == 0u) { return x; }
  if (T.fanIn == 1u) { return 0.0; } // a channel of one element: GC makes it exactly zero
  let a = (x - mean.x) * S.one;
  let b = sumError(x, -mean.x, a);
  return (a - mean.y) * S.one + (b - mean.z);
}

// the flat index of element j of row r
fn addr(r: u32, j: u32) -> u32 {
  if (T.outer == 1u) { return r * T.inner + j; }
  if (T.inner == 1u) { return j * T.rows + r; }
  return ((j / T.inner) * T.rows + r) * T.inner + (j % T.inner);
}

// adds a float-float partial into (hi, lo)
fn accumulate(acc: vec2<f32>, hi: f32, lo: f32) -> vec2<f32> {
  let t = (acc.x + hi) * S.one;
  return vec2<f32>(t, acc.y + sumError(acc.x, hi, t) + lo);
}

// the workgroup's float-float sum of every thread's (hi, lo), in two levels (GROUPS partial sums
// of GROUPS threads each): two barriers instead of a tree's log2(WG) (barriers are what software
// adapters pay most for). Every thread adds the partials in the same order: the same total everywhere.
fn reduceWorkgroup(lid: u32, part: vec2<f32>) -> vec2<f32> {
  redHi[lid] = part.x;
  redLo[lid] = part.y;
  workgroupBarrier();
  if (lid < GROUPS) {
    var acc = vec2<f32>(redHi[lid], redLo[lid]);
    for (var k = 1u; k < GROUPS; k++) {
      acc = accumulate(acc, redHi[k * GROUPS + lid], redLo[k * GROUPS + lid]);
    }
    groupHi[lid] = acc.x;
    groupLo[lid] = acc.y;
  }
  workgroupBarrier();
  var total = vec2<f32>(groupHi[0], groupLo[0]);
  for (var k = 1u; k < GROUPS; k++) {
    total = accumulate(total, groupHi[k], groupLo[k]);
  }
  return total;
}

// (shift, dh, dl) from the float-float total of x − shift over the row: dh = total / n rounded,
// dl from the exact remainder total − dh·n
fn meanOf(shift: f32, total: vec2<f32>) -> vec3<f32> {
  let n = f32(T.fanIn);
  let hi = (total.x + total.y) * S.one;
  let low = sumError(total.x, total.y, hi);
  let dh = (hi / n) * S.one;
  let q = dh * n * S.one;
  let remainder = (hi - q) * S.one - productError(dh, n, q) + low;
  return vec3<f32>(shift, dh, remainder / n);
}
${rule.elementCode}

fn isNonFinite(x: f32) -> bool {
  // on the bits: WGSL lets compilers assume floats are finite, so x != x may be folded away
  return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u;
}

// a refused step (this one or an earlier one) changes nothing; the first workgroup of each tensor
// records the bad gradient value of the step that was refused
fn recordRefusal(refused: u32) {
  if (refused == S.t) {
    let key = atomicLoad(&flags[2u + 2u * T.index]);
    if (key != 0u) { atomicStore(&flags[3u + 2u * T.index], bitcast<u32>(g[~key])); }
  }
}

@compute @workgroup_size(WG)
fn check(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let start = (wid.x + wid.y * T.checkGroupsX) * TILE;
  if (start >= T.size) { return; }
  let refused = atomicLoad(&flags[0]);
  if (refused != 0u && refused != S.t) { return; } // an earlier refusal stands; keep its record
  for (var i = 0u; i < PER; i++) {
    let j = start + i * WG + lid;
    if (j < T.size && isNonFinite(g[j])) {
      atomicStore(&flags[0], S.t);
      atomicMax(&flags[2u + 2u * T.index], ~j);
    }
  }
}

@compute @workgroup_size(WG)
fn rowPartials(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x + wid.y * T.groupsX;
  if (w >= T.rows * T.tiles) { return; }
  if (lid == 0u) { wgFlag = atomicLoad(&flags[0]); }
  if (workgroupUniformLoad(&wgFlag) != 0u) { return; }
  let r = w / T.tiles;
  let k = w % T.tiles;
  let shift = source(addr(r, 0u)); // this pass only reads, so every tile sees the same first value
  var part = vec2<f32>(0.0, 0.0);
  for (var i = 0u; i < PER; i++) {
    let j = k * TILE + i * WG + lid;
    if (j < T.fanIn) {
      let x = source(addr(r, j));
      let d = (x - shift) * S.one;
      part = accumulate(part, d, sumError(x, -shift, d));
    }
  }
  let total = reduceWorkgroup(lid, part);
  if (lid == 0u) {
    let base = r * (1u + 2u * T.tiles);
    if (k == 0u) { rowSums[base] = shift; }
    rowSums[base + 1u + 2u * k] = total.x;
    rowSums[base + 2u + 2u * k] = total.y;
  }
}

@compute @workgroup_size(WG)
fn update(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x + wid.y * T.groupsX;
  if (w >= T.rows * T.tiles) { return; }
  let r = w / T.tiles;
  let k = w % T.tiles;
  if (lid == 0u) {
    wgFlag = atomicLoad(&flags[0]);
    // the row's first value, the shift of its sum: read before any thread of the row writes
    if (T.tiles == 1u && T.centred == 1u) { wgShift = source(addr(r, 0u)); }
  }
  let refused = workgroupUniformLoad(&wgFlag);
  if (refused != 0u) {
    if (w == 0u && lid == 0u) { recordRefusal(refused); }
    return;
  }
  if (T.tiles == 1u) {
    // the whole row in this workgroup: values stay in registers between the sum and the update
    var xs: array<f32, PER>;
    var ps: array<f32, PER>;
    for (var i = 0u; i < PER; i++) {
      let j = i * WG + lid;
      if (j < T.fanIn) {
        xs[i] = sourceAndStore(addr(r, j));
        ps[i] = loadedP;
      }
    }
    var mean = vec3<f32>(0.0, 0.0, 0.0);
    if (T.centred == 1u) {
      let shift = wgShift; // written before the barrier of workgroupUniformLoad above
      var part = vec2<f32>(0.0, 0.0);
      for (var i = 0u; i < PER; i++) {
        if (i * WG + lid < T.fanIn) {
          let d = (xs[i] - shift) * S.one;
          part = accumulate(part, d, sumError(xs[i], -shift, d));
        }
      }
      mean = meanOf(shift, reduceWorkgroup(lid, part));
    }
    for (var i = 0u; i < PER; i++) {
      let j = i * WG + lid;
      if (j < T.fanIn) { apply(addr(r, j), centre(xs[i], mean), ps[i]); }
    }
    return;
  }
  // a tile of a long row: the row's sum comes from rowPartials
  var mean = vec3<f32>(0.0, 0.0, 0.0);
  if (T.centred == 1u) {
    let base = r * (1u + 2u * T.tiles);
    var total = vec2<f32>(0.0, 0.0);
    for (var q = 0u; q < T.tiles; q++) {
      total = accumulate(total, rowSums[base + 1u + 2u * q], rowSums[base + 2u + 2u * q]);
    }
    mean = meanOf(rowSums[base], total);
  }
  for (var i = 0u; i < PER; i++) {
    let j = k * TILE + i * WG + lid;
    if (j < T.fanIn) {
      let a = addr(r, j);
      let x = sourceAndStore(a);
      apply(a, centre(x, mean), loadedP);
    }
  }
}

// a tensor GC leaves alone: element-wise over tiles of the flat array, no reduction, no barrier
@compute @workgroup_size(WG)
fn updateFlat(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let w = wid.x + wid.y * T.groupsX;
  if (w >= T.tiles) { return; }
  let refused = atomicLoad(&flags[0]);
  if (refused != 0u) {
    if (w == 0u && lid == 0u) { recordRefusal(refused); }
    return;
  }
  for (var i = 0u; i < PER; i++) {
    let j = w * TILE + i * WG + lid;
    if (j < T.size) {
      let x = sourceAndStore(j);
      apply(j, x, loadedP);
    }
  }
}

// a centred tensor, one invocation per row: no workgroup memory and no barrier, for adapters that
// run invocations as CPU SIMD lanes (lavapipe, SwiftShader), where barriers cost far more than memory.
// The row is read twice: once for its sum (reading only), once for the update.
@compute @workgroup_size(ROW_LANES)
fn updateRows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = (wid.x + wid.y * T.groupsX) * ROW_LANES + lid;
  if (r >= T.rows) { return; }
  let refused = atomicLoad(&flags[0]);
  if (refused != 0u) {
    if (r == 0u) { recordRefusal(refused); }
    return;
  }
  let shift = source(addr(r, 0u));
  var part = vec2<f32>(0.0, 0.0);
  for (var j = 0u; j < T.fanIn; j++) {
    let x = source(addr(r, j));
    let d = (x - shift) * S.one;
    part = accumulate(part, d, sumError(x, -shift, d));
  }
  let mean = meanOf(shift, part);
  for (var j = 0u; j < T.fanIn; j++) {
    let a = addr(r, j);
    let x = sourceAndStore(a);
    apply(a, centre(x, mean), loadedP);
  }
}
`;
}
