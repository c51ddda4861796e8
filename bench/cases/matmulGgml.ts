// matmul with GGUF block weights as published (Q4_0, Q8_0, Q4_K, Q5_K, Q6_K), read directly by the matmul kernels,
// at the DiT's width (K = 3840) and the text encoder's (K = 2560; M = 1 is a prompt-enhancer decode step).
// Per type and shape, two rows:
//   matmul_ggml_<type>        ours and naive on the blocks as stored; ORT's MatMulNBits on the same values where it
//                             has an equivalent (Q4_0 = 4-bit, zero point 8, scale d; Q8_0 = 8-bit, zero point 128);
//                             K-quants have none (per-16/32 sub-block scales and mins are not MatMulNBits' layout).
//   matmul_ggml_<type>_as_q<b> ours on the engine's own q4 / q8 (one scale and min per 32, what GGUF tensors were
//                             converted to before they stayed as blocks), from the same values by round-to-nearest:
//                             the time of the path the blocks replaced, same ORT column for the ratio.
// Default sizes trim N (the output rows) to keep SwiftShader runs short; K, which sets the per-row decode, is real.
import type { GgmlBlockDType } from '../../src/engine/formats.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { f16BitsToF32 } from '../../src/lib/f16.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { quantizeRtn } from '../../src/weights/quant.ts';
import { dequantRef } from '../../src/engine/ref/quant.ts';
import { type NBitsWeights } from '../blockWeights.ts';
import { nbitsMatmulOrt } from '../blockModels.ts';
import { randomBlocks } from '../ggmlBlocks.ts';
import { kernels, notMerged } from '../kernels.ts';
import { matmulRef } from '../ref.ts';
import type { BenchCase, CaseFactory, Recorder } from './types.ts';

const CPU_CHECK_MACS = 64e6;
const TYPES: GgmlBlockDType[] = ['q4_0', 'q8_0', 'q4_k', 'q5_k', 'q6_k'];

/** The same values as MatMulNBits inputs, where an exact equivalent exists. */
export function asNBits(type: GgmlBlockDType, bytes: Uint8Array, N: number, K: number): NBitsWeights | null {
  if (type !== 'q4_0' && type !== 'q8_0') return null;
  const blocks = (N * K) / 32;
  const bits = type === 'q4_0' ? 4 : 8;
  const stride = type === 'q4_0' ? 18 : 34; // bytes per block
  const codes = new Uint8Array((N * K * bits) / 8);
  const scales = new Float32Array(blocks);
  const zeroPoints = new Uint8Array(bits === 4 ? N * Math.ceil(K / 64) : blocks);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; b++) {
    const p = b * stride;
    scales[b] = f16BitsToF32(dv.getUint16(p, true)); // d, exact in f32
    const n = Math.floor(b / (K / 32));
    const blk = b % (K / 32);
    if (bits === 4) {
      // ggml: qs[j] low nibble = element j, high nibble = element j + 16; MatMulNBits: element e at byte e >> 1
      for (let j = 0; j < 32; j++) {
        const q = j < 16 ? bytes[p + 2 + j] & 15 : bytes[p + 2 + j - 16] >> 4;
        const e = b * 32 + j;
        codes[e >> 1] |= e & 1 ? q << 4 : q;
      }
      zeroPoints[n * Math.ceil(K / 64) + (blk >> 1)] |= blk & 1 ? 8 << 4 : 8;
    } else {
      for (let j = 0; j < 32; j++) codes[b * 32 + j] = (bytes[p + 2 + j] ^ 0x80) & 0xff; // int8 q -> q + 128
      zeroPoints[b] = 128;
    }
  }
  return { bits, N, K, codes, scales, zeroPoints };
}

function ggmlCase(type: GgmlBlockDType, M: number, K: number, N: number, asEngine: boolean): BenchCase {
  const engine = type === 'q4_0' || type === 'q4_k' ? 'q4' : 'q8';
  return {
    op: asEngine ? `matmul_ggml_${type}_as_${engine}` : `matmul_ggml_${type}`,
    shape: `M=${M} K=${K} N=${N}`,
    setup({ gpu, rng }) {
      const bytes = randomBlocks(rng, type, N, K);
      const dense = dequantizeBlocks(type.toUpperCase(), bytes); // (N, K): ggml's values
      const x = rng.normalArray(M * K); // (M, K)
      const tx = gpu.upload(x, [M, K], 'f32', 'x');
      let tw: Tensor;
      let values = dense;
      if (asEngine) {
        const q = quantizeRtn(dense, N, K, engine);
        values = dequantRef(q);
        tw = gpu.uploadQuant(q, `w.${engine}`);
      } else tw = gpu.uploadBlocks(type, bytes, [N, K], `w.${type}`);
      const nb = asNBits(type, bytes, N, K);
      const { matmul, matmulNaive } = kernels;
      const notes: string[] = [];
      if (!matmul) notes.push(notMerged('ours', 'matmul'));
      if (!nb) notes.push(`ORT: no MatMulNBits equivalent of ${type.toUpperCase()} (sub-block scales and mins)`);
      if (asEngine) notes.push(`ours: the same values re-quantized to the engine's ${engine} (round-to-nearest per 32), the path GGUF blocks replaced`);
      const ours: Recorder | undefined = matmul && ((b) => matmul(b, tx, tw));
      const naive: Recorder | undefined = !asEngine && matmulNaive ? (b) => matmulNaive(b, tx, tw) : undefined;
      return {
        ours,
        naive,
        ort: nb && !asEngine ? nbitsMatmulOrt(x, nb, M) : undefined,
        expected: M * K * N <= CPU_CHECK_MACS ? () => matmulRef(x, values, M, K, N) : undefined,
        atol: 1e-3,
        rtol: 1e-3,
        flops: 2 * M * K * N,
        notes,
        dispose() {
          tx.release();
          tw.release();
        },
      };
    },
  };
}

export const matmulGgmlCases: CaseFactory = (preset) => {
  const shapes: [number, number, number][] =
    preset === 'full'
      ? [[1024, 3840, 3840], [128, 2560, 9728], [1, 2560, 9728]] // DiT projections at 512²; text encoder prompt; LM decode
      : [[16, 3840, 256], [1, 2560, 1024]];
  return TYPES.flatMap((t) => shapes.flatMap(([M, K, N]) => [ggmlCase(t, M, K, N, false), ggmlCase(t, M, K, N, true)]));
};
