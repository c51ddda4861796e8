// attention_naive
// parts: attention_naive
// ---- part: attention_naive
// attention_naive: a deliberately simple attention, the baseline `npm run bench` measures attention.wgsl against.
// One invocation per (query row, head) walks all keys three times and keeps its whole score row in a global
// scratch buffer: scores, then max-subtracted exponentials, then the weighted sum of v, one output element at a time.
//
// Layout (f32, row-major): q (Lq, Hq, hd), k, v (Lk, Hkv, hd), out (Lq, Hq, hd), s (Hc, Lq, Lk) scratch for the
// Hc heads of one dispatch. Grouped-query: q head h reads kv head h / (Hq / Hkv). Causal: query i sees keys 0..i.
// Bindings: 0 params, 1 q, 2 k, 3 v (read), 4 out, 5 s (read_write).
// Dispatch: (ceil(Lq / WG), Hc, 1); the TS side splits the heads into chunks so that s fits one binding.
override WG: u32 = 64;

struct Params {
  lq: u32,
  lk: u32,
  hq: u32,
  hkv: u32,
  group: u32, // Hq / Hkv
  causal: u32, // 0: none; else query i sees keys 0 .. i + causal - 1 (= Lk - Lq + 1)
  hd: u32,
  h0: u32, // first head of this dispatch
  scale: f32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> o: array<f32>;
@group(0) @binding(5) var<storage, read_write> s: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= p.lq) { return; }
  let hc = gid.y; // head within this dispatch
  let h = p.h0 + hc;
  let hk = h / p.group;
  var n = p.lk;
  if (p.causal != 0u) { n = min(p.lk, row + p.causal); }
  let qOff = (row * p.hq + h) * p.hd; // elements
  let sOff = (hc * p.lq + row) * p.lk; // elements

  var m = -3.0e38;
  for (var j = 0u; j < n; j++) {
    let kOff = (j * p.hkv + hk) * p.hd;
    var d = 0.0;
    for (var e = 0u; e < p.hd; e++) { d += q[qOff + e] * k[kOff + e]; }
    d *= p.scale;
    s[sOff + j] = d;
    m = max(m, d);
  }
  var l = 0.0;
  for (var j = 0u; j < n; j++) {
    let w = exp(s[sOff + j] - m);
    s[sOff + j] = w;
    l += w;
  }
  for (var e = 0u; e < p.hd; e++) {
    var a = 0.0;
    for (var j = 0u; j < n; j++) { a += s[sOff + j] * v[(j * p.hkv + hk) * p.hd + e]; }
    o[qOff + e] = a / l;
  }
}
