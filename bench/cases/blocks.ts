// Whole blocks, the comparison users care about: one Z-Image DiT block (ZImageTransformerBlock: adaLN modulation,
// sandwich RMSNorms, QK-norm, 3-axis RoPE, attention, SwiGLU FFN, tanh-gated residuals) and one Qwen3-4B decoder
// layer (QK-norm, rotate-half RoPE, causal grouped-query attention, SwiGLU), at the real widths.
//   ours: the model's own code, models/zimage/transformer.ts ZImageTransformer.block() and textEncoder.ts
//         qwen3Layer(), recorded into one batch, on random weights uploaded in the row's WeightFormat (the
//         engine's q4 from quantizeRtn today; adaLN in q8 as the studio's import policy has it).
//   ort:  the same block as ONE ONNX graph (bench/blockModels.ts) with MatMulNBits on the same quantized values.
// Full-width rows are checked ours-vs-ORT (a CPU reference would take minutes); the small-width rows (same head
// dim of 128) are checked against a CPU reference composed from the engine's op references (bench/blockRef.ts).
//
// A weight format is a parameter: once the ggml-block kernels land, `ditBlockCase(shape, ggmlQ4_0(upload, ...))`
// (bench/blockWeights.ts) is the whole change for a `dit_block_q4_0` row.
import type { Tensor } from '../../src/engine/tensor.ts';
import { QWEN3_4B, type TextEncoderConfig } from '../../src/models/zimage/config.ts';
import { qwen3Layer, type Qwen3LayerWeights } from '../../src/models/zimage/textEncoder.ts';
import { type BlockWeights, type TransformerWeights, ZImageTransformer } from '../../src/models/zimage/transformer.ts';
import { type DitBlockShape, ditBlockOrt, type Qwen3LayerShape, qwen3LayerOrt } from '../blockModels.ts';
import { ditConfig, ditPositions, randomDitBlock, randomQwen3Layer } from '../blockParams.ts';
import { ditBlockRef, qwen3LayerRef } from '../blockRef.ts';
import { ENGINE_Q4, ENGINE_Q8, ggmlQ4_0, type WeightFormat } from '../blockWeights.ts';
import type { BenchCase, CaseFactory, SizePreset } from './types.ts';

/**
 * Tolerance of a whole block (|got - want| <= ATOL + RTOL·|want|; outputs reach |y| ~ 5). Both sides dequantize to
 * identical weights, so what differs is f32 summation order (K up to 10240), exp/tanh/rsqrt ulps and online vs
 * two-pass softmax, each ~1e-6 relative, carried through RMSNorms that rescale but do not amplify. Measured on
 * SwiftShader: max abs error 5e-6..1.5e-5 (ours and ORT vs the CPU at small width, ours vs ORT at full width),
 * about 3e-6 of max |ref|. 1e-3 leaves a 50x margin for other adapters, while a real mistake (a RoPE pairing, a
 * missing norm, a swapped gate) moves outputs by O(0.1..1): interleaved RoPE swapped for rotate-half in the DiT
 * graph gave a max error of 1.9.
 */
const ATOL = 1e-3;
const RTOL = 1e-3;

/** Timed samples for a full-width row: an execution takes seconds on a CPU adapter (small rows keep the preset's). */
const BLOCK_SAMPLES = 3;

interface DitRow {
  shape: DitBlockShape;
  /** Caption tokens at the head of the sequence; the rest is an image grid `gridW` tokens wide. */
  caption: number;
  gridW: number;
  cpuCheck: boolean;
}

function ditFlops(s: DitBlockShape): number {
  const { L, D, F } = s;
  return 2 * L * (4 * D * D + 3 * D * F) + 2 * 4 * D * s.adaDim + 4 * L * L * D;
}

export function ditBlockCase(row: DitRow, format: WeightFormat): BenchCase {
  const s = row.shape;
  return {
    op: format.name ? `dit_block_${format.name}` : 'dit_block',
    shape: `L=${s.L} D=${s.D} H=${s.heads}x${s.headDim} F=${s.F}`,
    setup({ gpu, rng }) {
      const { L, D, headDim: hd } = s;
      const blk = randomDitBlock(rng, s, format, ENGINE_Q8, ditPositions(L, row.caption, row.gridW));
      const p = blk.params;
      const x = rng.normalArray(L * D); // (L, D)
      const temb = rng.normalArray(s.adaDim); // (1, 256)
      const owned: Tensor[] = [];
      const up = (data: Float32Array, shape: number[], label: string) => {
        const t = gpu.upload(data, shape, 'f32', label);
        owned.push(t);
        return t;
      };
      const mat = (m: keyof typeof blk.matrices) => {
        const t = blk.matrices[m].upload(gpu);
        owned.push(t);
        return t;
      };
      const weights: BlockWeights = {
        toQ: mat('toQ'),
        toK: mat('toK'),
        toV: mat('toV'),
        toOut: mat('toOut'),
        normQ: up(p.normQ, [hd], 'norm_q'),
        normK: up(p.normK, [hd], 'norm_k'),
        w1: mat('w1'),
        w2: mat('w2'),
        w3: mat('w3'),
        attentionNorm1: up(p.attentionNorm1, [D], 'attention_norm1'),
        attentionNorm2: up(p.attentionNorm2, [D], 'attention_norm2'),
        ffnNorm1: up(p.ffnNorm1, [D], 'ffn_norm1'),
        ffnNorm2: up(p.ffnNorm2, [D], 'ffn_norm2'),
        adaLN: { w: blk.adaLN.upload(gpu), b: up(p.adaLNBias, [4 * D], 'adaLN.bias') },
      };
      owned.push(weights.adaLN!.w);
      const rope = { cos: up(p.cos, [L, hd / 2], 'rope-cos'), sin: up(p.sin, [L, hd / 2], 'rope-sin') };
      const mod = { temb: up(temb, [1, s.adaDim], 'temb') };
      // block() reads only the config and the block's own weights (the model-level weights are for forward()).
      const dit = new ZImageTransformer(gpu, ditConfig(s), { layers: [weights] } as unknown as TransformerWeights);
      let cur = gpu.upload(x, [L, D], 'f32', 'x'); // the block updates it in place, as the model's stream
      return {
        ours: (b) => {
          cur = dit.block(b, weights, cur, rope, mod);
          return cur.reshape(cur.shape); // a view: the harness's release leaves the stream alone
        },
        ort: ditBlockOrt(s, p, x, temb),
        expected: row.cpuCheck ? () => ditBlockRef(s, p, x, temb) : undefined,
        atol: ATOL,
        rtol: RTOL,
        flops: ditFlops(s),
        samples: row.cpuCheck ? undefined : BLOCK_SAMPLES,
        notes: [
          `ours: ZImageTransformer.block(); matrices ${format.describe}, adaLN ${ENGINE_Q8.describe.split(' ')[0]}`,
          `ort: ${L} tokens (${row.caption} caption + image grid ${row.gridW} wide), MatMulNBits 4-bit (adaLN 8-bit) block 32 on the same values`,
        ],
        dispose() {
          cur.release();
          for (const t of owned) t.release();
        },
      };
    },
  };
}

interface QwenRow {
  shape: Qwen3LayerShape;
  cpuCheck: boolean;
}

function qwenFlops(s: Qwen3LayerShape): number {
  const { L, hidden, heads: H, kvHeads: Hkv, headDim: hd, F } = s;
  const proj = hidden * (2 * H * hd + 2 * Hkv * hd) + 3 * hidden * F;
  return 2 * L * proj + 2 * H * hd * L * (L + 1); // causal attention: half the score matrix, q·kᵀ and p·v
}

export function qwen3LayerCase(row: QwenRow, format: WeightFormat): BenchCase {
  const s = row.shape;
  const cfg: TextEncoderConfig = { ...QWEN3_4B, hiddenSize: s.hidden, nHeads: s.heads, nKvHeads: s.kvHeads, headDim: s.headDim, intermediateSize: s.F, rmsNormEps: s.eps };
  return {
    op: format.name ? `qwen3_layer_${format.name}` : 'qwen3_layer',
    shape: `L=${s.L} hidden=${s.hidden} H=${s.heads}/${s.kvHeads}x${s.headDim} F=${s.F}`,
    setup({ gpu, rng }) {
      const { L, hidden, headDim: hd } = s;
      const layer = randomQwen3Layer(rng, s, format, cfg.ropeTheta);
      const p = layer.params;
      const h = rng.normalArray(L * hidden); // (L, hidden)
      const owned: Tensor[] = [];
      const up = (data: Float32Array, shape: number[], label: string) => {
        const t = gpu.upload(data, shape, 'f32', label);
        owned.push(t);
        return t;
      };
      const mat = (m: keyof typeof layer.matrices) => {
        const t = layer.matrices[m].upload(gpu);
        owned.push(t);
        return t;
      };
      const lw: Qwen3LayerWeights = {
        inputNorm: up(p.inputNorm, [hidden], 'input_layernorm'),
        postNorm: up(p.postNorm, [hidden], 'post_attention_layernorm'),
        q: mat('q'),
        k: mat('k'),
        v: mat('v'),
        o: mat('o'),
        qNorm: up(p.qNorm, [hd], 'q_norm'),
        kNorm: up(p.kNorm, [hd], 'k_norm'),
        gate: mat('gate'),
        up: mat('up'),
        down: mat('down'),
      };
      const rope = { cos: up(p.cos, [L, hd / 2], 'rope-cos'), sin: up(p.sin, [L, hd / 2], 'rope-sin') };
      let cur = gpu.upload(h, [L, hidden], 'f32', 'h');
      return {
        ours: (b) => {
          cur = qwen3Layer(b, cur, lw, rope, cfg);
          return cur.reshape(cur.shape);
        },
        ort: qwen3LayerOrt(s, p, h),
        expected: row.cpuCheck ? () => qwen3LayerRef(s, p, h) : undefined,
        atol: ATOL,
        rtol: RTOL,
        flops: qwenFlops(s),
        samples: row.cpuCheck ? undefined : BLOCK_SAMPLES,
        notes: [`ours: textEncoder.ts qwen3Layer(); matrices ${format.describe}`, 'ort: GroupQueryAttention over the prompt (no past), MatMulNBits 4-bit block 32 on the same values'],
        dispose() {
          cur.release();
          for (const t of owned) t.release();
        },
      };
    },
  };
}

/** Z-Image's DiT block: dim 3840, 30 heads of 128, FFN 10240, adaLN from 256. */
const dit = (L: number, caption: number, gridW: number, cpuCheck = false): DitRow => ({
  shape: { L, D: 3840, heads: 30, headDim: 128, F: 10240, adaDim: 256, eps: 1e-5 },
  caption,
  gridW,
  cpuCheck,
});
/** The same block at a width a CPU reference can check: dim 256, 2 heads of 128, FFN 512. */
const ditSmall: DitRow = { shape: { L: 40, D: 256, heads: 2, headDim: 128, F: 512, adaDim: 256, eps: 1e-5 }, caption: 8, gridW: 8, cpuCheck: true };

/** Qwen3-4B: hidden 2560, 32 query heads on 8 kv heads of 128, FFN 9728. */
const qwen = (L: number): QwenRow => ({ shape: { L, hidden: 2560, heads: 32, kvHeads: 8, headDim: 128, F: 9728, eps: 1e-6 }, cpuCheck: false });
const qwenSmall: QwenRow = { shape: { L: 40, hidden: 256, heads: 4, kvHeads: 2, headDim: 128, F: 512, eps: 1e-6 }, cpuCheck: true };

/** Rows per preset, for a weight format (the engine's q4 by default). */
export function blockRows(preset: SizePreset, format: WeightFormat = ENGINE_Q4): BenchCase[] {
  return preset === 'full'
    ? [ditBlockCase(dit(256, 32, 16), format), qwen3LayerCase(qwen(128), format)]
    : [ditBlockCase(ditSmall, format), ditBlockCase(dit(64, 16, 8), format), qwen3LayerCase(qwenSmall, format), qwen3LayerCase(qwen(64), format)];
}

/** The DiT's weights as the recommended GGUF publishes them: Q4_0 blocks uploaded as stored, read by the matmuls. */
export const GGML_Q4_0 = ggmlQ4_0((gpu, bytes, N, K, label) => gpu.uploadBlocks('q4_0', bytes, [N, K], label), 'GGUF Q4_0 blocks as stored, decoded in the matmul kernels');

/** The engine's q4 rows, then the DiT block with the published Q4_0 blocks (the studio's real path for the GGUF DiT). */
export const blockCases: CaseFactory = (preset) => [
  ...blockRows(preset),
  preset === 'full' ? ditBlockCase(dit(256, 32, 16), GGML_Q4_0) : ditBlockCase(dit(64, 16, 8), GGML_Q4_0),
];
