// attention_rows: flash-style attention with ONE invocation per query row, for head dims up to 4·MAXD4 (the DiT's
// and Qwen3's 128). Same contract as attention.wgsl: out = softmax(q kᵀ · scale [+ causal mask]) v, tile by tile
// with an online softmax, the (Lq, Lk) score matrix never exists.
//
// Layout (f32, row-major, read as vec4 so head dims must be multiples of 4):
//   q   (Lq, Hq,  hd)   k, v (Lk, Hkv, hd)   out (Lq, Hq, hd)
// Grouped-query: q head h reads kv head h / (Hq / Hkv). Causal (Lq == Lk): query i sees keys 0..i.
// Bindings: 0 params, 1 q, 2 k, 3 v (read), 4 out (read_write).
// Dispatch: (ceil(Lq / BQ), Hq / GH, 1) workgroups of WG = BQ · GH invocations.
//
// Work split: a workgroup owns BQ query rows of GH query heads that share one kv head (GH divides Hq / Hkv), so
// each K/V tile staged in workgroup memory serves GH heads (grouped-query attention loads it once, not GH times).
// Invocation lid serves row r = lid / GH of head g = lid % GH and keeps the whole q row and output accumulator in
// registers (2·HD4 vec4s). Compared with attention.wgsl there is no cross-invocation reduction of partial dot
// products: per key tile the K and V tiles are staged together (one barrier), every invocation computes its BK
// scores into registers, then runs the online softmax and the p·V update on its own (one more barrier before the
// tiles are overwritten). Neighbouring invocations read the same workgroup-memory word at the same time
// (a broadcast). Loads of the tiles are coalesced: consecutive invocations fetch consecutive vec4s of a key row.
// Workgroup memory: 32·BK·HD4 bytes (K and V tiles).

override HD4: u32; // head dim / 4 (<= MAXD4)
override BQ: u32; // query rows per workgroup
override GH: u32; // query heads per workgroup, all reading one kv head
override BK: u32; // keys per tile, a multiple of 4 (<= MAXBK)
override WG: u32 = BQ * GH; // invocations per workgroup

const MAXD4 = 32u;
const MAXBK = 32u;
const NEG_BIG = -3.0e38; // finite "minus infinity": exp2(NEG_BIG - x) is 0 and NEG_BIG - NEG_BIG is 0

struct Params {
  lq: u32,
  lk: u32,
  hq: u32,
  hkv: u32,
  group: u32, // Hq / Hkv
  causal: u32,
  scale: f32, // softmax scale · log2(e)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> o: array<vec4<f32>>;

var<workgroup> kt: array<vec4<f32>, BK * HD4>; // (BK, hd) K tile
var<workgroup> vt: array<vec4<f32>, BK * HD4>; // (BK, hd) V tile

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = lid / GH;
  let h = wid.y * GH + lid % GH;
  let hk = (wid.y * GH) / p.group;
  let q0 = wid.x * BQ;
  let row = q0 + r;
  let kvStride = p.hkv * HD4; // vec4s between consecutive keys

  // Rows past Lq (last tile) compute on a copy of row Lq-1 so the arithmetic stays finite; they never write.
  let qBase = (min(row, p.lq - 1u) * p.hq + h) * HD4;
  var qv: array<vec4<f32>, MAXD4>;
  var acc: array<vec4<f32>, MAXD4>;
  for (var i = 0u; i < HD4; i++) {
    qv[i] = q[qBase + i] * p.scale;
    acc[i] = vec4<f32>(0.0);
  }
  var m = NEG_BIG;
  var l = 0.0;
  var s: array<vec4<f32>, MAXBK / 4u>; // scores of the tile, four keys per vec4

  // Causal: no key of this tile of rows lies past q0 + BQ - 1, so later key tiles are skipped entirely.
  var kEnd = p.lk;
  var rowEnd = p.lk;
  if (p.causal != 0u) {
    kEnd = min(p.lk, q0 + BQ);
    rowEnd = min(p.lk, row + 1u);
  }

  for (var k0 = 0u; k0 < kEnd; k0 += BK) {
    // K and V tiles; keys past Lk are zero (and masked below).
    for (var e = lid; e < BK * HD4; e += WG) {
      let j = k0 + e / HD4;
      var kx = vec4<f32>(0.0);
      var vx = vec4<f32>(0.0);
      if (j < p.lk) {
        let src = j * kvStride + hk * HD4 + e % HD4;
        kx = k[src];
        vx = v[src];
      }
      kt[e] = kx;
      vt[e] = vx;
    }
    workgroupBarrier();

    // Scores of the tile's keys, four at a time (four independent accumulation chains), and their maximum; keys
    // this row may not see (past Lk, or past the row when causal) score NEG_BIG, which the softmax turns into 0.
    let n = select(0u, min(BK, rowEnd - k0), rowEnd > k0);
    var mNew = m;
    for (var kk = 0u; kk < BK; kk += 4u) {
      var d0 = vec4<f32>(0.0);
      var d1 = vec4<f32>(0.0);
      var d2 = vec4<f32>(0.0);
      var d3 = vec4<f32>(0.0);
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        let x = qv[i];
        d0 += x * kt[b + i];
        d1 += x * kt[b + HD4 + i];
        d2 += x * kt[b + 2u * HD4 + i];
        d3 += x * kt[b + 3u * HD4 + i];
      }
      let one = vec4<f32>(1.0);
      let sc = vec4<f32>(dot(d0, one), dot(d1, one), dot(d2, one), dot(d3, one));
      let ok = vec4<u32>(kk, kk + 1u, kk + 2u, kk + 3u) < vec4<u32>(n);
      let sv = select(vec4<f32>(NEG_BIG), sc, ok);
      s[kk / 4u] = sv;
      mNew = max(mNew, max(max(sv.x, sv.y), max(sv.z, sv.w)));
    }
    // Online softmax in the log2 domain (q is pre-scaled by scale·log2(e)).
    let alpha = exp2(m - mNew);
    l *= alpha;
    for (var i = 0u; i < HD4; i++) {
      acc[i] *= alpha;
    }
    // p·V four keys at a time. A masked key scores NEG_BIG and gets p = 0: mNew is finite here, because key 0 of
    // the first tile is visible to every row (Lk >= 1; causal row i sees keys 0..i).
    for (var kk = 0u; kk < BK; kk += 4u) {
      let pv = exp2(s[kk / 4u] - vec4<f32>(mNew));
      l += dot(pv, vec4<f32>(1.0));
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        acc[i] += pv.x * vt[b + i] + pv.y * vt[b + HD4 + i] + pv.z * vt[b + 2u * HD4 + i] + pv.w * vt[b + 3u * HD4 + i];
      }
    }
    m = mNew;
    workgroupBarrier(); // the tiles are overwritten by the next iteration
  }

  if (row < p.lq) {
    let inv = 1.0 / l; // l >= 1: the row's maximum contributes exp2(0)
    let oBase = (row * p.hq + h) * HD4;
    for (var i = 0u; i < HD4; i++) {
      o[oBase + i] = acc[i] * inv;
    }
  }
}
