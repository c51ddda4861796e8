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
  //@rows{
  let row@R = q0 + lid / GH + @Ru * BQ;
  var rowEnd@R = p.lk;
  if (p.causal != 0u) {
    rowEnd@R = min(p.lk, row@R + p.causal);
  }
  let qBase@R = (min(row@R, p.lq - 1u) * p.hq + h) * HD4;
  var qv@R: array<vec4<f32>, MAXD4>;
  var acc@R: array<vec4<f32>, MAXD4>;
  for (var i = 0u; i < HD4; i++) {
    qv@R[i] = q[qBase@R + i] * p.scale;
    acc@R[i] = vec4<f32>(0.0);
  }
  var m@R = NEG_BIG;
  var l@R = 0.0;
  var s@R: array<vec4<f32>, MAXBK / 4u>; // scores of the tile, four keys per vec4
  //@}

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
    //@rows{
    var mNew@R = m@R;
    //@}
    for (var kk = 0u; kk < BK; kk += 4u) {
      //@rows{
      var d@R0 = vec4<f32>(0.0);
      var d@R1 = vec4<f32>(0.0);
      var d@R2 = vec4<f32>(0.0);
      var d@R3 = vec4<f32>(0.0);
      //@}
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        let k0v = kt[b + i];
        let k1v = kt[b + HD4 + i];
        let k2v = kt[b + 2u * HD4 + i];
        let k3v = kt[b + 3u * HD4 + i];
        //@rows{
        let x@R = qv@R[i];
        d@R0 += x@R * k0v;
        d@R1 += x@R * k1v;
        d@R2 += x@R * k2v;
        d@R3 += x@R * k3v;
        //@}
      }
      let keys = vec4<u32>(k0 + kk) + vec4<u32>(0u, 1u, 2u, 3u);
      //@rows{
      let sc@R = vec4<f32>(dot(d@R0, one), dot(d@R1, one), dot(d@R2, one), dot(d@R3, one));
      let sv@R = select(vec4<f32>(NEG_BIG), sc@R, keys < vec4<u32>(rowEnd@R));
      s@R[kk / 4u] = sv@R;
      mNew@R = max(mNew@R, max(max(sv@R.x, sv@R.y), max(sv@R.z, sv@R.w)));
      //@}
    }
    // Online softmax in the log2 domain (q is pre-scaled by scale·log2(e)).
    //@rows{
    let alpha@R = exp2(m@R - mNew@R);
    l@R *= alpha@R;
    for (var i = 0u; i < HD4; i++) {
      acc@R[i] *= alpha@R;
    }
    m@R = mNew@R;
    //@}
    // p·V four keys at a time. A masked key scores NEG_BIG and gets p = 0: m is finite here, because key 0 of the
    // first tile is visible to every row (Lk >= 1; causal row i sees keys 0 .. i + Lk - Lq).
    for (var kk = 0u; kk < BK; kk += 4u) {
      //@rows{
      let p@R = exp2(s@R[kk / 4u] - vec4<f32>(m@R));
      l@R += dot(p@R, one);
      //@}
      let b = kk * HD4;
      for (var i = 0u; i < HD4; i++) {
        let v0 = vt[b + i];
        let v1 = vt[b + HD4 + i];
        let v2 = vt[b + 2u * HD4 + i];
        let v3 = vt[b + 3u * HD4 + i];
        //@rows{
        acc@R[i] += p@R.x * v0 + p@R.y * v1 + p@R.z * v2 + p@R.w * v3;
        //@}
      }
    }
    workgroupBarrier(); // the tiles are overwritten by the next iteration
  }

  //@rows{
  if (row@R < p.lq) {
    let inv = 1.0 / l@R; // l >= 1: the row's maximum contributes exp2(0)
    let oBase = (row@R * p.hq + h) * HD4;
    for (var i = 0u; i < HD4; i++) {
      o[oBase + i] = acc@R[i] * inv;
    }
  }
  //@}
}
