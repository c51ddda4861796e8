// Whole blocks as ONE ONNX graph each, built the way exported INT4 browser models are (the Z-Image ONNX demo's
// transformer and text encoder: com.microsoft MatMulNBits for every Linear, standard ops around them):
//   DiT:   ZImageTransformerBlock (zimage-spec §5.4) with MatMulNBits, SimplifiedLayerNormalization (RMSNorm and
//          per-head QK-norm), com.microsoft RotaryEmbedding (interleaved: complex pairs), MultiHeadAttention,
//          Split/Add/Tanh/Mul for the adaLN modulation and the gated residuals, Sigmoid·Mul for SiLU.
//   Qwen3: a decoder layer (zimage-spec §4.3) with MatMulNBits, SimplifiedLayerNormalization, RotaryEmbedding
//          (rotate-half), com.microsoft GroupQueryAttention (causal, 32 query heads on 8 kv heads).
// Activations are (1, L, D) graph inputs; weights, norms, RoPE tables and position ids are initializers.
// Pure: runs in Node (tests/bench/blockModels.test.ts checks both graphs on ORT's CPU EP) and in the bench page.
import type { NBitsWeights } from './blockWeights.ts';
import type { OrtFeed, OrtSpec } from './models.ts';
import { attr, encodeModel, GraphBuilder } from './onnx.ts';

/** y = x · dequant(w)ᵀ (+ bias) as MatMulNBits (block 32, f32 A, accuracy_level 0). */
function matMulNBits(g: GraphBuilder, x: string, w: NBitsWeights, name: string, bias?: Float32Array): string {
  const blocks = w.K / 32;
  const B = g.init(`${name}.B`, 'uint8', [w.N, blocks, (32 * w.bits) / 8], w.codes);
  const scales = g.init(`${name}.scales`, 'float32', [w.N, blocks], w.scales);
  const zp = g.init(`${name}.zero_points`, 'uint8', [w.zeroPoints.length], w.zeroPoints);
  const y = g.op('MatMulNBits', [x, B, scales, zp], {
    domain: 'com.microsoft',
    attrs: { K: attr.int(w.K), N: attr.int(w.N), bits: attr.int(w.bits), block_size: attr.int(32) },
  });
  return bias ? g.op('Add', [y, g.f32(`${name}.bias`, bias)]) : y;
}

/** RMSNorm over the last axis with a weight, as ORT's SimplifiedLayerNormalization. */
function rmsNorm(g: GraphBuilder, x: string, weight: Float32Array, eps: number, name: string): string {
  return g.op('SimplifiedLayerNormalization', [x, g.f32(name, weight)], { attrs: { axis: attr.int(-1), epsilon: attr.float(eps) } });
}

/** Per-head RMSNorm of x (1, L, heads·hd): a (1, L, heads, hd) view normed over hd. */
function headNorm(g: GraphBuilder, x: string, L: number, heads: number, hd: number, weight: Float32Array, eps: number, name: string): string {
  const r = g.op('Reshape', [x, g.i64(`${name}.shape4`, [1, L, heads, hd])]);
  const n = rmsNorm(g, r, weight, eps, name);
  return g.op('Reshape', [n, g.i64(`${name}.shape3`, [1, L, heads * hd])]);
}

/** com.microsoft RotaryEmbedding on x (1, L, heads·hd) with per-token tables cos, sin (L, hd/2). */
function rope(g: GraphBuilder, x: string, pos: string, cos: string, sin: string, heads: number, interleaved: boolean): string {
  return g.op('RotaryEmbedding', [x, pos, cos, sin], {
    domain: 'com.microsoft',
    attrs: { interleaved: attr.int(interleaved ? 1 : 0), num_heads: attr.int(heads) },
  });
}

/** silu(x · w1ᵀ) * (x · w3ᵀ), then · w2ᵀ. */
function swiGLU(g: GraphBuilder, x: string, w1: NBitsWeights, w3: NBitsWeights, w2: NBitsWeights, names: [string, string, string]): string {
  const gate = matMulNBits(g, x, w1, names[0]);
  const up = matMulNBits(g, x, w3, names[1]);
  const h = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  return matMulNBits(g, h, w2, names[2]);
}

function spec(what: string, g: GraphBuilder, feeds: OrtFeed[], outName: string, outDims: number[]): OrtSpec {
  const model = encodeModel(g.finish([{ name: outName, type: 'float32', dims: outDims }]));
  return { what, model, feeds, output: { name: outName, dims: outDims } };
}

const positions = (L: number) => Array.from({ length: L }, (_, i) => i);

export interface DitBlockShape {
  L: number; // tokens
  D: number; // dim
  heads: number;
  headDim: number;
  F: number; // FFN hidden
  adaDim: number; // adaLN input width (256)
  eps: number;
}

export interface DitBlockParams {
  toQ: NBitsWeights; // (D, D)
  toK: NBitsWeights;
  toV: NBitsWeights;
  toOut: NBitsWeights;
  w1: NBitsWeights; // (F, D)
  w3: NBitsWeights;
  w2: NBitsWeights; // (D, F)
  adaLN: NBitsWeights; // (4D, adaDim)
  adaLNBias: Float32Array; // (4D)
  normQ: Float32Array; // (hd)
  normK: Float32Array;
  attentionNorm1: Float32Array; // (D)
  attentionNorm2: Float32Array;
  ffnNorm1: Float32Array;
  ffnNorm2: Float32Array;
  /** RoPE tables of the tokens' 3-axis position ids (models/zimage/rope.ts dit3AxisRope): (L, hd/2). */
  cos: Float32Array;
  sin: Float32Array;
}

/** One modulated ZImageTransformerBlock: x (1, L, D), temb (1, adaDim) -> y (1, L, D). */
export function ditBlockOrt(s: DitBlockShape, p: DitBlockParams, x: Float32Array, temb: Float32Array): OrtSpec {
  const { L, D, heads: H, headDim: hd, eps } = s;
  const g = new GraphBuilder('ZImageTransformerBlock');
  const xIn = g.input('x', 'float32', [1, L, D]);
  const tIn = g.input('temb', 'float32', [1, s.adaDim]);
  const pos = g.i64('position_ids', positions(L), [1, L]);
  const cos = g.f32('rope.cos', p.cos, [L, hd / 2]);
  const sin = g.f32('rope.sin', p.sin, [L, hd / 2]);

  // adaLN: scale_msa | gate_msa | scale_mlp | gate_mlp, each (1, D); scales become 1 + s, gates tanh(g)
  const m4 = matMulNBits(g, tIn, p.adaLN, 'adaLN_modulation.0', p.adaLNBias); // (1, 4D)
  const [sMsa, gMsa, sMlp, gMlp] = g.node('Split', [m4, g.i64('split', [D, D, D, D])], ['scale_msa', 'gate_msa', 'scale_mlp', 'gate_mlp'], {
    attrs: { axis: attr.int(1) },
  });
  const one = g.f32('one', [1], []);
  const scaleMsa = g.op('Add', [sMsa, one]);
  const scaleMlp = g.op('Add', [sMlp, one]);
  const gateMsa = g.op('Tanh', [gMsa]);
  const gateMlp = g.op('Tanh', [gMlp]);

  // attention branch
  const xn = g.op('Mul', [rmsNorm(g, xIn, p.attentionNorm1, eps, 'attention_norm1'), scaleMsa]);
  const q = headNorm(g, matMulNBits(g, xn, p.toQ, 'to_q'), L, H, hd, p.normQ, eps, 'norm_q');
  const k = headNorm(g, matMulNBits(g, xn, p.toK, 'to_k'), L, H, hd, p.normK, eps, 'norm_k');
  const v = matMulNBits(g, xn, p.toV, 'to_v');
  const a = g.op('MultiHeadAttention', [rope(g, q, pos, cos, sin, H, true), rope(g, k, pos, cos, sin, H, true), v], {
    domain: 'com.microsoft',
    attrs: { num_heads: attr.int(H), scale: attr.float(1 / Math.sqrt(hd)) },
  });
  const o = rmsNorm(g, matMulNBits(g, a, p.toOut, 'to_out.0'), p.attentionNorm2, eps, 'attention_norm2');
  const x1 = g.op('Add', [xIn, g.op('Mul', [gateMsa, o])]);

  // feed-forward branch
  const xf = g.op('Mul', [rmsNorm(g, x1, p.ffnNorm1, eps, 'ffn_norm1'), scaleMlp]);
  const f = rmsNorm(g, swiGLU(g, xf, p.w1, p.w3, p.w2, ['w1', 'w3', 'w2']), p.ffnNorm2, eps, 'ffn_norm2');
  g.node('Add', [x1, g.op('Mul', [gateMlp, f])], ['y']);

  const feeds: OrtFeed[] = [
    { name: 'x', type: 'float32', dims: [1, L, D], data: x },
    { name: 'temb', type: 'float32', dims: [1, s.adaDim], data: temb },
  ];
  return spec('one graph: MatMulNBits, SimplifiedLayerNorm, RotaryEmbedding, MultiHeadAttention', g, feeds, 'y', [1, L, D]);
}

export interface Qwen3LayerShape {
  L: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  F: number; // intermediate size
  eps: number;
}

export interface Qwen3LayerParams {
  q: NBitsWeights; // (H·hd, hidden)
  k: NBitsWeights; // (Hkv·hd, hidden)
  v: NBitsWeights;
  o: NBitsWeights; // (hidden, H·hd)
  gate: NBitsWeights; // (F, hidden)
  up: NBitsWeights;
  down: NBitsWeights; // (hidden, F)
  inputNorm: Float32Array; // (hidden)
  postNorm: Float32Array;
  qNorm: Float32Array; // (hd)
  kNorm: Float32Array;
  /** Rotate-half tables for positions 0..L-1 (models/zimage/rope.ts qwenRope): (L, hd/2). */
  cos: Float32Array;
  sin: Float32Array;
}

/** One Qwen3 decoder layer over a prompt: h (1, L, hidden) -> (1, L, hidden), causal grouped-query attention. */
export function qwen3LayerOrt(s: Qwen3LayerShape, p: Qwen3LayerParams, h: Float32Array): OrtSpec {
  const { L, hidden, heads: H, kvHeads: Hkv, headDim: hd, eps } = s;
  const g = new GraphBuilder('Qwen3DecoderLayer');
  const hIn = g.input('h', 'float32', [1, L, hidden]);
  const pos = g.i64('position_ids', positions(L), [1, L]);
  const cos = g.f32('rope.cos', p.cos, [L, hd / 2]);
  const sin = g.f32('rope.sin', p.sin, [L, hd / 2]);

  const xn = rmsNorm(g, hIn, p.inputNorm, eps, 'input_layernorm');
  const q = headNorm(g, matMulNBits(g, xn, p.q, 'q_proj'), L, H, hd, p.qNorm, eps, 'q_norm');
  const k = headNorm(g, matMulNBits(g, xn, p.k, 'k_proj'), L, Hkv, hd, p.kNorm, eps, 'k_norm');
  const v = matMulNBits(g, xn, p.v, 'v_proj');
  // a prompt with no past: seqlens_k = total length - 1, total_sequence_length = L; causal by construction
  const [a] = g.node(
    'GroupQueryAttention',
    [rope(g, q, pos, cos, sin, H, false), rope(g, k, pos, cos, sin, Hkv, false), v, '', '', g.i32('seqlens_k', [L - 1]), g.i32('total_sequence_length', [L], [])],
    ['attn', 'present_key', 'present_value'],
    { domain: 'com.microsoft', attrs: { num_heads: attr.int(H), kv_num_heads: attr.int(Hkv), scale: attr.float(1 / Math.sqrt(hd)) } },
  );
  const h1 = g.op('Add', [hIn, matMulNBits(g, a, p.o, 'o_proj')]);
  const f = swiGLU(g, rmsNorm(g, h1, p.postNorm, eps, 'post_attention_layernorm'), p.gate, p.up, p.down, ['gate_proj', 'up_proj', 'down_proj']);
  g.node('Add', [h1, f], ['y']);

  const feeds: OrtFeed[] = [{ name: 'h', type: 'float32', dims: [1, L, hidden], data: h }];
  return spec('one graph: MatMulNBits, SimplifiedLayerNorm, RotaryEmbedding, GroupQueryAttention', g, feeds, 'y', [1, L, hidden]);
}

/** One Linear, y (M, N) = x (M, K) · dequant(w)ᵀ, as MatMulNBits (the per-format matmul rows). */
export function nbitsMatmulOrt(x: Float32Array, w: NBitsWeights, M: number): OrtSpec {
  const g = new GraphBuilder('MatMulNBits');
  const xIn = g.input('x', 'float32', [M, w.K]);
  g.node('Identity', [matMulNBits(g, xIn, w, 'w')], ['y']);
  return spec(`MatMulNBits (${w.bits}-bit)`, g, [{ name: 'x', type: 'float32', dims: [M, w.K], data: x }], 'y', [M, w.N]);
}
