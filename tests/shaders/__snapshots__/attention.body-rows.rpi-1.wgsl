// attention[body=rows,rpi=1]
// parts: attention_io, attention_rows<RPI=1>
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

// ---- part: attention_rows<RPI=1>
const RPI = 1u;
// attention_rows: flash-style attention where each invocation owns whole query rows (RPI of them), for head dims
// up to 128 (the DiT's and Qwen3's). Same contract as attention.wgsl: out = softmax(q kᵀ · scale [+ causal mask]) v, tile by tile
// with an online softmax, the (Lq, Lk) score matrix never exists.
//
// Layout (f32, row-major, read as vec4 so head dims must be multiples of 4):
//   q   (Lq, Hq,  hd)   k, v (Lk, Hkv, hd)   out (Lq, Hq, hd)
// Grouped-query: q head h reads kv head h / (Hq / Hkv). Causal (Lq <= Lk, the queries are the
// last Lq positions): query i sees keys 0 .. i + Lk - Lq.
// Params, bindings (0 params, 1 q, 2 k, 3 v, 4 out) and NEG_BIG: attention_io.wgsl, the part before this one
// (attentionShader in attention.ts, composed by src/engine/compose.ts).
// Dispatch: (ceil(Lq / (BQ · RPI)), Hq / GH, 1) workgroups of WG = BQ · GH invocations.
//
// Work split: a workgroup owns BQ·RPI query rows of GH query heads that share one kv head (GH divides Hq / Hkv),
// so each K/V tile staged in workgroup memory serves GH heads (grouped-query attention loads it once, not GH
// times). Invocation lid serves head g = lid % GH and rows r + j·BQ (r = lid / GH, j < RPI), keeping those q rows
// and output accumulators in registers: 2·RPI·HD4 vec4s, which the TS side holds to 64 (RPI = 2 up to hd 64, 1 for
// hd 128), the most a flash-attention thread keeps on a real GPU without spilling. Each vec4 read from a tile
// feeds all RPI rows. Compared with attention.wgsl there is no cross-invocation reduction of partial dot products:
// per key tile the K and V tiles are staged together (one barrier), every invocation computes its scores four keys
// at a time (independent accumulation chains) into registers, then runs the online softmax and the p·V update on
// its own (one more barrier before the tiles are overwritten). Neighbouring invocations read the same
// workgroup-memory word at the same time (a broadcast). Loads of the tiles are coalesced: consecutive invocations
// fetch consecutive vec4s of a key row.
// Workgroup memory: 32·BK·HD4 bytes (K and V tiles).
//
// Per-row state lives in plain variables (qv0, acc0, m0, ...), not arrays indexed by row: a compiler that does not
// unroll a loop over rows (SwiftShader) keeps row-indexed arrays in memory, 2-3x slower. The lines between
// `//@rows{` and `//@}` are therefore written once and repeated by attention.ts for rows 0 .. RPI-1, with `@R`
// replaced by the row number (`unroll` in src/engine/compose.ts): this file is WGSL after that expansion.

override HD4: u32; // head dim / 4 (<= MAXD4)
override BQ: u32; // invocations along rows: the workgroup covers BQ · RPI rows (RPI: rows repeated by the TS side)
override GH: u32; // query heads per workgroup, all reading one kv head
override BK: u32; // keys per tile, a multiple of 4 (<= MAXBK)
override WG: u32 = BQ * GH; // invocations per workgroup

const MAXD4 = 32u;
const MAXBK = 32u;

var<workgroup> kt: array<vec4<f32>, BK * HD4>; // (BK, hd) K tile
var<workgroup> vt: array<vec4<f32>, BK * HD4>; // (BK, hd) V tile

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>) {
  let h = wid.y * GH + lid % GH;
  let hk = (wid.y * GH) / p.group;
  let rows = BQ * RPI; // rows of the workgroup
  let q0 = wid.x * rows;
  let kvStride = p.hkv * HD4; // vec4s between consecutive keys
  let one = vec4<f32>(1.0);

  // Row R of this invocation is q0 + lid / GH + R·BQ. Rows past Lq (last tile) compute on a copy of row Lq-1 so
  // the arithmetic stays finite; they never write. Keys 0 .. rowEnd-1 are visible to a row.
  let row0 = q0 + lid / GH + 0u * BQ;
  var rowEnd0 = p.lk;
  if (p.causal != 0u) {
    rowEnd0 = min(p.lk, row0 + p.causal);
  }
  let qBase0 = (min(row0, p.lq - 1u) * p.hq + h) * HD4;
  var qv0: array<vec4<f32>, MAXD4>;
  var acc0: array<vec4<f32>, MAXD4>;
  for (var i = 0u; i < HD4; i++) {
    qv0[i] = q[qBase0 + i] * p.scale;
    acc0[i] = vec4<f32>(0.0);
  }
  var m0 = NEG_BIG;
  var l0 = 0.0;
  var s0: array<vec4<f32>, MAXBK / 4u>; // scores of the tile, four keys per vec4

  // Causal: no key of this tile of rows lies past its last row, so later key tiles are skipped entirely.
  var kEnd = p.lk;
  if (p.causal != 0u) {
    kEnd = min(p.lk, q0 + rows + p.causal - 1u);
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

    // Scores, four keys at a time (independent accumulation chains), and each row's new maximum; keys a row may
    // not see (past Lk, or past the row when causal) score NEG_BIG.
    var mNew0 = m0;
    for (var kk = 0u; kk < BK; kk += 4u) {
      var d00 = vec4<f32>(0.0);
      var d01 = vec4<f32>(0.0);
      var d02 = vec4<f32>(0.0);
      var d03 = vec4<f32>(0.0);
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        let k0v = kt[b + i];
        let k1v = kt[b + HD4 + i];
        let k2v = kt[b + 2u * HD4 + i];
        let k3v = kt[b + 3u * HD4 + i];
        let x0 = qv0[i];
        d00 += x0 * k0v;
        d01 += x0 * k1v;
        d02 += x0 * k2v;
        d03 += x0 * k3v;
      }
      let keys = vec4<u32>(k0 + kk) + vec4<u32>(0u, 1u, 2u, 3u);
      let sc0 = vec4<f32>(dot(d00, one), dot(d01, one), dot(d02, one), dot(d03, one));
      let sv0 = select(vec4<f32>(NEG_BIG), sc0, keys < vec4<u32>(rowEnd0));
      s0[kk / 4u] = sv0;
      mNew0 = max(mNew0, max(max(sv0.x, sv0.y), max(sv0.z, sv0.w)));
    }
    // Online softmax in the log2 domain (q is pre-scaled by scale·log2(e)).
    let alpha0 = exp2(m0 - mNew0);
    l0 *= alpha0;
    for (var i = 0u; i < HD4; i++) {
      acc0[i] *= alpha0;
    }
    m0 = mNew0;
    // p·V four keys at a time. A masked key scores NEG_BIG and gets p = 0: m is finite here, because key 0 of the
    // first tile is visible to every row (Lk >= 1; causal row i sees keys 0 .. i + Lk - Lq).
    for (var kk = 0u; kk < BK; kk += 4u) {
      let p0 = exp2(s0[kk / 4u] - vec4<f32>(m0));
      l0 += dot(p0, one);
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        let v0 = vt[b + i];
        let v1 = vt[b + HD4 + i];
        let v2 = vt[b + 2u * HD4 + i];
        let v3 = vt[b + 3u * HD4 + i];
        acc0[i] += p0.x * v0 + p0.y * v1 + p0.z * v2 + p0.w * v3;
      }
    }
    workgroupBarrier(); // the tiles are overwritten by the next iteration
  }

  if (row0 < p.lq) {
    let inv = 1.0 / l0; // l >= 1: the row's maximum contributes exp2(0)
    let oBase = (row0 * p.hq + h) * HD4;
    for (var i = 0u; i < HD4; i++) {
      o[oBase + i] = acc0[i] * inv;
    }
  }
}
