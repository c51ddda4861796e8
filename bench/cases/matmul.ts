// matmul: y = x·wᵀ with f32 weights (vs ONNX MatMul) and with q4 weights (vs com.microsoft MatMulNBits, 4-bit,
// block 32: the yardstick for the DiT's INT4 linears). The q4 weights are the same numbers on both sides
// (bench/q4.ts). The naive kernel, where it exists, runs on the same weight tensor as ours. Ours runs the
// engine's default kernel (wide above 8 rows) and, on rows marked kernel=tiled, the tiled kernel it replaced, so
// a run on another adapter shows whether the default suits it.
import type { MatmulKernel } from '../../src/engine/kernels/matmul.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { kernels, notMerged } from '../kernels.ts';
import { matMulNBitsOrt, matmulOrt } from '../models.ts';
import { dequantQ4, randomQ4, toEngineQ4 } from '../q4.ts';
import { matmulRef } from '../ref.ts';
import type { BenchCase, CaseFactory, CaseSetup, Recorder } from './types.ts';

/** CPU checks up to this many multiply-adds; beyond, the harness checks against ORT's output. */
const CPU_CHECK_MACS = 64e6;

function recorders(x: Tensor, w: Tensor, kernel?: MatmulKernel): Pick<CaseSetup, 'ours' | 'naive' | 'notes'> {
  const { matmul, matmulNaive } = kernels;
  const notes: string[] = [];
  if (!matmul) notes.push(notMerged('ours', 'matmul'));
  if (!matmulNaive) notes.push(notMerged('naive', 'matmulNaive'));
  const ours: Recorder | undefined = matmul && ((b) => matmul(b, x, w, kernel && { kernel }));
  const naive: Recorder | undefined = matmulNaive && ((b) => matmulNaive(b, x, w));
  return { ours, naive, notes };
}

const label = (M: number, K: number, N: number, kernel?: MatmulKernel) => `M=${M} K=${K} N=${N}${kernel ? ` kernel=${kernel}` : ''}`;

function matmulF32Case(M: number, K: number, N: number, kernel?: MatmulKernel): BenchCase {
  return {
    op: 'matmul_f32',
    shape: label(M, K, N, kernel),
    setup({ gpu, rng }) {
      const x = rng.normalArray(M * K); // (M, K)
      const w = rng.normalArray(N * K).map((v) => v / Math.sqrt(K)); // (N, K)
      const tx = gpu.upload(x, [M, K], 'f32', 'x');
      const tw = gpu.upload(w, [N, K], 'f32', 'w');
      return {
        ...recorders(tx, tw, kernel),
        ort: matmulOrt(x, w, M, K, N),
        expected: M * K * N <= CPU_CHECK_MACS ? () => matmulRef(x, w, M, K, N) : undefined,
        atol: 1e-4,
        rtol: 1e-3,
        flops: 2 * M * K * N,
        dispose() {
          tx.release();
          tw.release();
        },
      };
    },
  };
}

function matmulQ4Case(M: number, K: number, N: number, kernel?: MatmulKernel): BenchCase {
  return {
    op: 'matmul_q4',
    shape: label(M, K, N, kernel),
    setup({ gpu, rng }) {
      const q = randomQ4(rng, N, K);
      const x = rng.normalArray(M * K); // (M, K)
      const tx = gpu.upload(x, [M, K], 'f32', 'x');
      const tw = gpu.uploadQuant(toEngineQ4(q), 'w.q4'); // (N, K) q4, f16 (scale, min)
      return {
        ...recorders(tx, tw, kernel),
        ort: matMulNBitsOrt(x, q, M),
        expected: M * K * N <= CPU_CHECK_MACS ? () => matmulRef(x, dequantQ4(q), M, K, N) : undefined,
        atol: 1e-3,
        rtol: 1e-3,
        flops: 2 * M * K * N,
        dispose() {
          tx.release();
          tw.release();
        },
      };
    },
  };
}

export const matmulCases: CaseFactory = (preset) =>
  preset === 'full'
    ? [
        matmulF32Case(1024, 3840, 3840),
        matmulQ4Case(1024, 3840, 3840), // attention projections over a 512² image's 1024 tokens
        matmulQ4Case(4096, 3840, 10240), // FFN w1/w3 at 1024² (4096 image tokens)
        matmulQ4Case(4096, 10240, 3840), // FFN w2
      ]
    : [
        matmulF32Case(64, 256, 256),
        matmulF32Case(64, 256, 256, 'tiled'),
        matmulQ4Case(64, 256, 256),
        matmulQ4Case(64, 256, 256, 'tiled'),
        matmulQ4Case(33, 512, 96),
      ];
