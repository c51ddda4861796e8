// A dry-run memory and compute planner for the real configuration: weight bytes per network and format (as the
// default import policy stores them), peak GPU bytes of a generation in fast and low-memory mode, and the FLOPs of
// one DiT step. Nothing is allocated; the numbers follow the code's own tensor shapes and activation lifetimes.
import { QUANT_BLOCK } from '../../engine/formats.ts';
import { sizeClass } from '../../engine/pool.ts';
import { ffnDim, FLUX_VAE, headDim, layersNeeded, QWEN3_4B, TILE_LATENTS, TURBO_TRANSFORMER, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from './config.ts';
import { padTo } from './sequence.ts';
import { textEncoderShapes, transformerShapes, vaeDecoderShapes, vaeEncoderShapes, type TensorShapes } from './shapes.ts';

export type StoredFormat = 'q4' | 'q8' | 'f16' | 'f32' | 'cpu';
const BYTES_PER_ELEMENT: Record<StoredFormat, number> = {
  q4: 0.5 + 4 / QUANT_BLOCK, // 4-bit codes + f16 scale and min per block of 32
  q8: 1 + 4 / QUANT_BLOCK,
  f16: 2,
  f32: 4,
  cpu: 0, // the token table stays on the CPU side
};

const DIT_MATRIX = /\.(attention\.(to_q|to_k|to_v|to_out\.0)|feed_forward\.w[123])\.weight$/;
const DIT_MOD = /adaLN_modulation\.0\.weight$/;
const TE_MATRIX = /(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)\.weight$/;

export interface NetworkBytes {
  total: number; // bytes on the GPU
  /** GPU bytes by stored format ('q4', 'f32', or a ggml block type such as 'Q4_0' kept as published). */
  byFormat: Record<string, number>;
  /** bytes kept on the CPU side (the token table's rows are read from the file; the DiT pad tokens) */
  cpu: number;
}

export interface WeightBytes {
  transformer: NetworkBytes;
  textEncoder: NetworkBytes;
  vae: NetworkBytes;
}

function weigh(shapes: TensorShapes, formatOf: (name: string) => StoredFormat): NetworkBytes {
  const byFormat: Record<string, number> = {};
  let total = 0;
  let cpu = 0;
  for (const [name, shape] of shapes) {
    const f = formatOf(name);
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = f === 'cpu' ? n * 2 : Math.ceil(n * BYTES_PER_ELEMENT[f]); // cpu: f16 rows in worker memory
    byFormat[f] = (byFormat[f] ?? 0) + bytes;
    if (f !== 'cpu') total += bytes;
    else cpu += bytes;
  }
  return { total, byFormat, cpu };
}

/** The diffusers release (F32 / BF16) as the default policy quantizes it on load, from the configs alone. */
export function weightBytes(dit = TURBO_TRANSFORMER, te = QWEN3_4B, vae = FLUX_VAE): WeightBytes {
  return {
    transformer: weigh(transformerShapes(dit), (n) => (DIT_MATRIX.test(n) ? 'q4' : DIT_MOD.test(n) ? 'q8' : 'f32')),
    textEncoder: weigh(textEncoderShapes(te, layersNeeded(te)), (n) => (n === 'model.embed_tokens.weight' ? 'cpu' : TE_MATRIX.test(n) ? 'q4' : 'f32')),
    // convolution kernels in f16 (load.ts loadVae), norms, biases and the attention projections in f32
    vae: weigh([...vaeDecoderShapes(vae), ...vaeEncoderShapes(vae)], (n) => (n.endsWith('.weight') && !n.includes('attentions') && !n.includes('norm') ? 'f16' : 'f32')),
  };
}

export const act = (elements: number) => sizeClass(elements * 4); // f32 activations, rounded to the pool's size classes

/** Peak activation bytes of one DiT block over L tokens (the live set while the FFN hidden state exists). */
export function ditActivationBytes(c: TransformerConfig, L: number): number {
  const D = c.dim;
  const attn = act(L * D) * 5 + act(4 * D) + act(L * headDim(c) / 2) * 2; // x, q, k, v, attention out, adaLN (1, 4D), RoPE tables
  const ffn = act(L * D) * 2 + act(L * ffnDim(c)); // x, normed x, the SwiGLU hidden state
  return Math.max(attn, ffn) + act(L * D); // + the unified stream kept across blocks during refiners
}

/** Peak activation bytes of a VAE decode of an (h, w) latent tile: the largest resnet's live set. */
export function vaeDecodeBytes(v: VaeConfig, h: number, w: number): number {
  const rev = [...v.blockOutChannels].reverse();
  let peak = 0;
  let res = h * w;
  rev.forEach((c, i) => {
    const cin = i === 0 ? rev[0] : rev[i - 1];
    peak = Math.max(peak, act(cin * res) + 3 * act(c * res)); // x, gn, conv1, conv2 outputs
    if (i < rev.length - 1) {
      peak = Math.max(peak, act(c * res) + act(c * res * 4));
      res *= 4;
    }
  });
  const mid = h * w * rev[0];
  peak = Math.max(peak, 4 * act(mid) + act(h * w * 4)); // mid attention: tokens, q, k, v, out
  return peak;
}



export interface SizePlan {
  size: number; // px (square)
  tokens: number; // DiT sequence length (image + 512-token caption, padded)
  flopsPerStep: number;
  peakBytes: { fast: number; lowMemory: number };
  breakdown: Record<string, number>;
}

/** FLOPs of one DiT block over L tokens: q, k, v, out (D×D), the SwiGLU FFN (3 D×F) and attention (4·L²·D). */
export function ditBlockFlops(c: TransformerConfig, L: number): number {
  const D = c.dim;
  return 2 * L * D * D * 4 + 2 * L * D * ffnDim(c) * 3 + 4 * L * L * D;
}

/** DiT FLOPs of one forward: every matmul (2·M·K·N) and attention (4·L²·D per layer). */
export function ditFlops(c: TransformerConfig, imageTokens: number, capTokens: number): number {
  const D = c.dim;
  const blockFlops = (L: number) => ditBlockFlops(c, L);
  const Li = padTo(imageTokens);
  const Lc = padTo(capTokens);
  return c.nRefinerLayers * (blockFlops(Li) + blockFlops(Lc)) + c.nLayers * blockFlops(Li + Lc) + 2 * imageTokens * 64 * D * 2;
}

/** What a ControlNet adds to a generation: its weights (resident with the DiT) and, per size, activations and FLOPs. */
export interface ControlAddition {
  weights: number; // bytes
  activations(L: number, imageTokens: number, lat: number): number; // bytes
  flopsPerStep(imageTokens: number, capTokens: number): number;
}

export function planSize(
  size: number,
  capTokens = 512,
  dit = TURBO_TRANSFORMER,
  te: TextEncoderConfig = QWEN3_4B,
  vae = FLUX_VAE,
  w: WeightBytes = weightBytes(dit, te, vae),
  control?: ControlAddition,
): SizePlan {
  const lat = size / 8;
  const imageTokens = (lat / 2) ** 2;
  const L = padTo(imageTokens) + padTo(capTokens);
  const latents = act(16 * lat * lat) * 3; // noise, z, model output
  const dAct = ditActivationBytes(dit, L);
  const teAct = ditActivationBytes({ ...dit, dim: te.hiddenSize, nHeads: te.nHeads }, capTokens) + act(capTokens * te.intermediateSize);
  const vaeFull = vaeDecodeBytes(vae, lat, lat);
  const vaeTiled = vaeDecodeBytes(vae, Math.min(lat, TILE_LATENTS), Math.min(lat, TILE_LATENTS));
  // A ControlNet is loaded on first use and stays resident with the DiT; its stream and hint live during the steps.
  const cAct = control ? control.activations(L, padTo(imageTokens), lat) : 0;
  const cBytes = control ? control.weights + cAct : 0;
  // fast: all networks resident for the whole generation; the decode tiles above TILE_LATENTS as the code does.
  const fast = w.transformer.total + w.textEncoder.total + w.vae.total + cBytes + latents + Math.max(dAct, teAct, vaeTiled);
  // low-memory: the text encoder runs alone (loaded, encoded, released) before the transformer and VAE are loaded;
  // the decode is tiled.
  const lowMemory = Math.max(w.textEncoder.total + teAct, w.transformer.total + w.vae.total + cBytes + latents + Math.max(dAct, vaeTiled));
  return {
    size,
    tokens: L,
    flopsPerStep: ditFlops(dit, imageTokens, capTokens) + (control ? control.flopsPerStep(imageTokens, capTokens) : 0),
    peakBytes: { fast, lowMemory },
    breakdown: { ditActivations: dAct, textEncoderActivations: teAct, vaeDecodeFull: vaeFull, vaeDecodeTiled: vaeTiled, latents, ...(control ? { controlActivations: cAct } : {}) },
  };
}

export const BUDGET = { fast: 7.0e9, lowMemory: 5.0e9 }; // bytes at 1024²
