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
