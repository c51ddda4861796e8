// attention: softmax(q·kᵀ/sqrt(hd))·v, token-major. The DiT case (non-causal, heads == kvHeads) runs against
// com.microsoft MultiHeadAttention; the causal grouped-query case (Qwen3's text encoder) has no ORT yardstick
// here (MultiHeadAttention has no GQA), so it compares ours with naive only.
import type { Tensor } from '../../src/engine/tensor.ts';
import { type AttentionOpts, kernels, notMerged } from '../kernels.ts';
import { mhaOrt } from '../models.ts';
import { type AttentionShape, attentionRef } from '../ref.ts';
import type { BenchCase, CaseFactory, Recorder } from './types.ts';

/** CPU checks up to this many multiply-adds (q·kᵀ plus p·v); beyond, the harness checks against ORT. */
const CPU_CHECK_MACS = 64e6;

function attentionCase(s: AttentionShape): BenchCase {
  const { L, Lk, heads, kvHeads, headDim } = s;
  const label = `L=${L}${Lk !== L ? ` Lk=${Lk}` : ''} H=${heads}${kvHeads !== heads ? ` KVH=${kvHeads}` : ''} hd=${headDim}${s.causal ? ' causal' : ''}`;
  return {
    op: 'attention',
    shape: label,
    setup({ gpu, rng }) {
      const D = heads * headDim;
      const Dk = kvHeads * headDim;
      const q = rng.normalArray(L * D); // (L, heads·hd)
      const k = rng.normalArray(Lk * Dk); // (Lk, kvHeads·hd)
      const v = rng.normalArray(Lk * Dk); // (Lk, kvHeads·hd)
      const tq = gpu.upload(q, [L, D], 'f32', 'q');
      const tk = gpu.upload(k, [Lk, Dk], 'f32', 'k');
      const tv = gpu.upload(v, [Lk, Dk], 'f32', 'v');
      const opts: AttentionOpts = { heads, kvHeads, headDim, causal: s.causal };
      const run = (fn: typeof kernels.attention): Recorder | undefined => fn && ((b) => fn(b, tq, tk, tv, opts));
      const notes: string[] = [];
      if (!kernels.attention) notes.push(notMerged('ours', 'attention'));
      if (!kernels.attentionNaive) notes.push(notMerged('naive', 'attentionNaive'));
      const withOrt = !s.causal && kvHeads === heads;
      if (!withOrt) notes.push('ort: no equivalent (MultiHeadAttention has neither GQA nor a causal mask here)');
      const macs = 2 * heads * L * Lk * headDim;
      return {
        ours: run(kernels.attention),
        naive: run(kernels.attentionNaive),
        ort: withOrt ? mhaOrt(q, k, v, L, Lk, heads, headDim) : undefined,
        expected: macs <= CPU_CHECK_MACS ? () => attentionRef(q, k, v, s) : undefined,
        atol: 1e-4,
        rtol: 1e-3,
        flops: 2 * macs,
        notes,
        dispose() {
          for (const t of [tq, tk, tv] as Tensor[]) t.release();
        },
      };
    },
  };
}

const dit = (L: number, heads: number, headDim: number): AttentionShape => ({ L, Lk: L, heads, kvHeads: heads, headDim, causal: false });

export const attentionCases: CaseFactory = (preset) =>
  preset === 'full'
    ? [
        attentionCase(dit(4224, 30, 128)), // DiT at 1024²: 4096 image + 128 caption tokens, 30 heads of 128
        attentionCase(dit(4096, 1, 512)), // VAE mid-block at 512²: one head of 512 over 64·64 tokens
        attentionCase({ L: 512, Lk: 512, heads: 32, kvHeads: 8, headDim: 128, causal: true }), // Qwen3 prompt
      ]
    : [
        attentionCase(dit(256, 2, 64)),
        attentionCase(dit(160, 2, 128)), // the DiT's head dim of 128, fewer tokens and heads
        attentionCase(dit(64, 1, 512)),
        attentionCase({ L: 128, Lk: 128, heads: 4, kvHeads: 2, headDim: 64, causal: true }),
      ];
