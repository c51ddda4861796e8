// attention[body=split]
// parts: attention_io, attention
// ---- part: attention_io
// attention_io: what the flash kernels attention.wgsl and attention_rows.wgsl share, the part before each
// (src/engine/kernels/attention.ts, src/engine/compose.ts): the uniform block, the bindings and the finite "minus infinity".
// Bindings: 0 params, 1 q, 2 k, 3 v (read), 4 out (read_write); all f32 read as vec4 (head dims are multiples of 4).

const NEG_BIG = -3.0e38; // finite "minus infinity": exp2(NEG_BIG - x) is 0 and NEG_BIG - NEG_BIG is 0

struct Params {
  lq: u32,
  lk: u32,
  hq: u32,
  hkv: u32,
  group: u32, // Hq / Hkv
  causal: u32, // 0: none; else query i sees keys 0 .. i + causal - 1 (causal = Lk - Lq + 1: the queries are the last Lq keys)
  scale: f32, // softmax scale · log2(e)
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> o: array<vec4<f32>>;

// ---- part: attention
// attention: flash-style scaled dot-product attention, out = softmax(q kᵀ · scale [+ causal mask]) v, computed
// tile by tile with an online softmax so the (Lq, Lk) score matrix never exists.
//
// Layout (f32, row-major, read as vec4 so head dims must be multiples of 4):
//   q   (Lq, Hq,  hd)   k, v (Lk, Hkv, hd)   out (Lq, Hq, hd)
// Grouped-query: q head h reads kv head h / (Hq / Hkv). Causal (Lq <= Lk, the queries are the
// last Lq positions, as in decoding with a KV cache): query i sees keys 0 .. i + Lk - Lq.
// Params, bindings (0 params, 1 q, 2 k, 3 v, 4 out) and NEG_BIG: attention_io.wgsl, the part before this one
// (attentionShader in attention.ts, composed by src/engine/compose.ts).
// Dispatch: (ceil(Lq / BQ), Hq, 1) workgroups of WG = BQ * TD invocations.
//
// Work split: a workgroup owns BQ query rows of one head. Each row is served by TD invocations; invocation t of a
// row owns the C vec4s t, t + TD, ... of the head dim (strided so neighbouring invocations read neighbouring
// shared-memory words) and keeps that slice of q and of the output accumulator in registers. That keeps register
// use at 2·C vec4s whatever the head dim (hd = 512 just uses more invocations per row), at the price of a
// cross-invocation reduction of the TD partial dot products per score.
//
// Per key tile of BK keys (4 barriers):
//   1. stage K tile in `kv`;                             2. partial dots of own slice -> red[kk][lid];
//   3. row owners sum the TD partials into red[kk][row·TD], while everyone stages the V tile over K in `kv`;
//   4. online softmax (running max m, denominator l, in the log2 domain: q is pre-scaled by scale·log2(e)) and
//      acc = acc·2^(m_old - m_new) + Σ p·v.  Every invocation of a row repeats the (identical) softmax bookkeeping.
// Workgroup memory: 16·BK·HD4 + 4·WG·BK bytes (the TS side picks BK to fit its budget).

override HD4: u32; // head dim / 4
override C: u32; // vec4s of the head dim per invocation (<= MAXC)
override BQ: u32; // query rows per workgroup
override BK: u32; // keys per tile
override TD: u32 = HD4 / C; // invocations per query row
override WG: u32 = BQ * TD; // invocations per workgroup

const MAXC = 16u;

var<workgroup> kv: array<vec4<f32>, BK * HD4>; // (BK, hd) K tile, then V tile
var<workgroup> red: array<f32, BK * WG>; // (BK, WG) partial dots; row sums land in column row·TD

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let r = lid / TD;
  let t = lid % TD;
  let rowLid = r * TD; // column of red holding this row's scores
  let h = wid.y;
  let hk = h / p.group;
  let q0 = wid.x * BQ;
  let row = q0 + r;
  let kvStride = p.hkv * HD4; // vec4s between consecutive keys

  // Rows past Lq (last tile) compute on a copy of row Lq-1 so the arithmetic stays finite; they never write.
  let qBase = (min(row, p.lq - 1u) * p.hq + h) * HD4 + t; // vec4s
  var qv: array<vec4<f32>, MAXC>;
  var acc: array<vec4<f32>, MAXC>;
  for (var i = 0u; i < C; i++) {
    qv[i] = q[qBase + i * TD] * p.scale;
    acc[i] = vec4<f32>(0.0);
  }
  var m = NEG_BIG;
  var l = 0.0;

  // Causal: no key of this tile of rows lies past q0 + BQ - 1 + Lk - Lq, so later key tiles are skipped entirely.
  var kEnd = p.lk;
  if (p.causal != 0u) {
    kEnd = min(p.lk, q0 + BQ + p.causal - 1u);
  }
  // Keys this row may see: all of them, or 0 .. row + Lk - Lq when causal.
  var rowEnd = p.lk;
  if (p.causal != 0u) {
    rowEnd = min(p.lk, row + p.causal);
  }

  for (var k0 = 0u; k0 < kEnd; k0 += BK) {
    // 1. K tile; keys past Lk are zero (and masked below).
    for (var e = lid; e < BK * HD4; e += WG) {
      let j = k0 + e / HD4;
      var x = vec4<f32>(0.0);
      if (j < p.lk) {
        x = k[j * kvStride + hk * HD4 + e % HD4];
      }
      kv[e] = x;
    }
    workgroupBarrier();

    // 2. Partial dot products over this invocation's slice of the head dim, four keys at a time (four independent
    //    accumulation chains), then a scalar tail when BK is not a multiple of 4.
    let bk4 = BK / 4u * 4u;
    for (var kk = 0u; kk < bk4; kk += 4u) {
      var d0 = vec4<f32>(0.0);
      var d1 = vec4<f32>(0.0);
      var d2 = vec4<f32>(0.0);
      var d3 = vec4<f32>(0.0);
      let b = kk * HD4 + t;
      for (var i = 0u; i < C; i++) {
        let x = qv[i];
        let o = b + i * TD;
        d0 += x * kv[o];
        d1 += x * kv[o + HD4];
        d2 += x * kv[o + 2u * HD4];
        d3 += x * kv[o + 3u * HD4];
      }
      let one = vec4<f32>(1.0);
      red[kk * WG + lid] = dot(d0, one);
      red[(kk + 1u) * WG + lid] = dot(d1, one);
      red[(kk + 2u) * WG + lid] = dot(d2, one);
      red[(kk + 3u) * WG + lid] = dot(d3, one);
    }
    for (var kk = bk4; kk < BK; kk++) {
      var s = 0.0;
      for (var i = 0u; i < C; i++) {
        s += dot(qv[i], kv[kk * HD4 + t + i * TD]);
      }
      red[kk * WG + lid] = s;
    }
    workgroupBarrier();

    // 3. Invocation t of a row sums keys kk ≡ t (mod TD); only it reads column kk of this row, so writing the
    //    sum in place is race-free. The K tile is no longer read, so the V tile goes over it now.
    for (var kk = t; kk < BK; kk += TD) {
      var s = 0.0;
      for (var u = 0u; u < TD; u++) {
        s += red[kk * WG + rowLid + u];
      }
      red[kk * WG + rowLid] = s;
    }
    for (var e = lid; e < BK * HD4; e += WG) {
      let j = k0 + e / HD4;
      var x = vec4<f32>(0.0);
      if (j < p.lk) {
        x = v[j * kvStride + hk * HD4 + e % HD4];
      }
      kv[e] = x;
    }
    workgroupBarrier();

    // 4. Online softmax over the valid keys of this tile.
    let n = select(0u, min(BK, rowEnd - k0), rowEnd > k0);
    var mNew = m;
    for (var kk = 0u; kk < n; kk++) {
      mNew = max(mNew, red[kk * WG + rowLid]);
    }
    let alpha = exp2(m - mNew);
    l *= alpha;
    for (var i = 0u; i < C; i++) {
      acc[i] *= alpha;
    }
    for (var kk = 0u; kk < n; kk++) {
      let pk = exp2(red[kk * WG + rowLid] - mNew);
      l += pk;
      for (var i = 0u; i < C; i++) {
        acc[i] += pk * kv[kk * HD4 + t + i * TD];
      }
    }
    m = mNew;
    workgroupBarrier(); // kv and red are overwritten by the next tile
  }

  if (row < p.lq) {
    let inv = 1.0 / l; // l >= 1: the row's maximum contributes exp2(0)
    let oBase = (row * p.hq + h) * HD4 + t;
    for (var i = 0u; i < C; i++) {
      o[oBase + i * TD] = acc[i] * inv;
    }
  }
}
