// Shared set-up for the matmul GPU tests: random weights in every engine format, uploaded whole or as row
// chunks, with the exact f32 values the GPU decodes (f16-rounded, or exactly dequantized) for the references.
import type { Gpu } from '../../src/engine/gpu.ts';
import { roundF16Array } from '../../src/engine/ref/matmul.ts';
import { dequantRef, quantizeRef } from '../../src/engine/ref/quant.ts';
import { Tensor } from '../../src/engine/tensor.ts';
import type { Rng } from '../../src/lib/rng.ts';

export type WFmt = 'f32' | 'f16' | 'q4f16' | 'q4f32' | 'q8f16' | 'q8f32';
export const FORMATS: WFmt[] = ['f32', 'f16', 'q4f16', 'q4f32', 'q8f16', 'q8f32'];
export const isQuant = (fmt: WFmt) => fmt.startsWith('q');

export interface Weight {
  t: Tensor | Tensor[]; // (N, K), or its row chunks
  ref: Float32Array; // (N, K) the values the GPU sees
}

/** A random (N, K) weight in `fmt`; `chunks` (row counts summing to N) uploads it as row chunks. */
export function makeWeight(gpu: Gpu, rng: Rng, N: number, K: number, fmt: WFmt, chunks?: number[]): Weight {
  const src = rng.normalArray(N * K); // (N, K)
  const ref = new Float32Array(N * K);
  const tensors: Tensor[] = [];
  let r0 = 0; // first row of the chunk
  for (const rows of chunks ?? [N]) {
    const part = src.subarray(r0 * K, (r0 + rows) * K); // (rows, K)
    if (fmt === 'f32') {
      tensors.push(gpu.upload(part, [rows, K], 'f32'));
      ref.set(part, r0 * K);
    } else if (fmt === 'f16') {
      tensors.push(gpu.upload(part, [rows, K], 'f16'));
      ref.set(roundF16Array(part), r0 * K);
    } else {
      const q = quantizeRef(part, rows, K, fmt.startsWith('q4') ? 'q4' : 'q8', fmt.endsWith('f32') ? 'f32' : 'f16');
      tensors.push(gpu.uploadQuant(q));
      ref.set(dequantRef(q), r0 * K);
    }
    r0 += rows;
  }
  if (r0 !== N) throw new Error(`chunks sum to ${r0}, not ${N}`);
  return { t: chunks ? tensors : tensors[0], ref };
}

export function releaseWeight(w: Weight): void {
  for (const t of Array.isArray(w.t) ? w.t : [w.t]) t.release();
}

/** A (M) tensor of u32 words (the engine has no u32 dtype; the buffer holds the words). */
export function uploadU32(gpu: Gpu, words: Uint32Array): Tensor {
  return gpu.uploadU32(words, [words.length]);
}

/** Tolerance scaled to the size of a K-term dot product of unit normals (accumulation order differs). */
export function tol(K: number): { atol: number; rtol: number } {
  return { atol: 2e-5 * Math.sqrt(K), rtol: 1e-4 };
}
