// Our kernels and their naive baselines as the bench cases call them (a case whose kernel is absent still runs its
// ORT side, checked against the CPU, and reports ours as missing). Layouts the cases assume:
//   matmul(b, x, w, opts?)          x (M, K) f32; w (N, K) in f32/f16/q4/q8 (Linear layout, like formats.ts); -> (M, N)
//   matmulNaive(b, x, w)            same contract
//   attention(b, q, k, v, opts)     q (L, heads·hd), k and v (Lk, kvHeads·hd), token-major; -> (L, heads·hd)
//   attentionNaive(b, q, k, v, opts) same contract
//   conv2d(b, x, w, bias, opts?)    x (C, H, W), w (Cout, C, 3, 3), bias (Cout) or null; -> (Cout, Ho, Wo)
//   conv2dNaive(b, x, w, bias, opts?) same contract
//
import type { Batch } from '../src/engine/gpu.ts';
import type { Tensor } from '../src/engine/tensor.ts';

export type MatmulFn = (b: Batch, x: Tensor, w: Tensor, opts?: Record<string, unknown>) => Tensor;

export interface AttentionOpts {
  heads: number;
  kvHeads: number;
  headDim: number;
  causal?: boolean;
}
export type AttentionFn = (b: Batch, q: Tensor, k: Tensor, v: Tensor, opts: AttentionOpts) => Tensor;

export interface Conv2dOpts {
  stride?: 1 | 2;
  padding?: 'same' | 'vae-down';
}
export type Conv2dFn = (b: Batch, x: Tensor, w: Tensor, bias: Tensor | null, opts?: Conv2dOpts) => Tensor;

import { matmul } from '../src/engine/kernels/matmul.ts';
import { matmulNaive } from '../src/engine/kernels/matmulNaive.ts';
import { attention } from '../src/engine/kernels/attention.ts';
import { attentionNaive } from '../src/engine/kernels/attentionNaive.ts';
import { conv2d } from '../src/engine/kernels/conv2d.ts';
import { conv2dNaive } from '../src/engine/kernels/conv2dNaive.ts';

export const kernels: {
  matmul?: MatmulFn;
  matmulNaive?: MatmulFn;
  attention?: AttentionFn;
  attentionNaive?: AttentionFn;
  conv2d?: Conv2dFn;
  conv2dNaive?: Conv2dFn;
} = {
  matmul: (b, x, w, opts) => matmul(b, x, w, opts),
  matmulNaive: (b, x, w) => matmulNaive(b, x, w),
  attention,
  attentionNaive,
  conv2d: (b, x, w, bias, opts) => conv2d(b, x, w, bias!, opts),
  conv2dNaive: (b, x, w, bias, opts) => conv2dNaive(b, x, w, bias!, opts),
};

/** The note a case adds when a kernel is absent. */
export const notMerged = (what: string, file: string): string => `${what}: not on this branch yet (src/engine/kernels/${file}.ts)`;
