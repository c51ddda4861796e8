// Random ggml block weights on the GPU for the tests, with ggml's exact values as the reference.
import type { GgmlBlockDType } from '../../src/engine/formats.ts';
import type { Gpu } from '../../src/engine/gpu.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import type { Rng } from '../../src/lib/rng.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { randomBlocks } from '../../bench/ggmlBlocks.ts';
import type { Weight } from './matmulCases.ts';

export { BLOCK_TYPES, randomBlocks } from '../../bench/ggmlBlocks.ts';

/** A random (N, K) weight in block type `type`, whole or as row chunks, with ggml's values as the reference. */
export function makeBlockWeight(gpu: Gpu, rng: Rng, N: number, K: number, type: GgmlBlockDType, chunks?: number[]): Weight {
  const bytes = randomBlocks(rng, type, N, K);
  const ref = dequantizeBlocks(type.toUpperCase(), bytes); // (N, K)
  const rowBytes = bytes.length / N;
  const tensors: Tensor[] = [];
  let r0 = 0;
  for (const rows of chunks ?? [N]) {
    tensors.push(gpu.uploadBlocks(type, bytes.subarray(r0 * rowBytes, (r0 + rows) * rowBytes), [rows, K], `${type}.w`));
    r0 += rows;
  }
  if (r0 !== N) throw new Error(`chunks sum to ${r0}, not ${N}`);
  return { t: chunks ? tensors : tensors[0], ref };
}
