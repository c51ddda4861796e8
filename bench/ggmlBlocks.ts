// Random ggml block weights for the bench and the GPU tests: random bytes for every code and scale field, sane
// random halves for d / dmin / m (so values stay near unit size). Their exact values are ggml's dequantization
// (weights/ggmlDequant.ts).
import { GGML_BLOCKS, type GgmlBlockDType } from '../src/engine/formats.ts';
import { f32ToF16Bits } from '../src/lib/f16.ts';
import type { Rng } from '../src/lib/rng.ts';

export const BLOCK_TYPES: GgmlBlockDType[] = ['q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k'];

// Per type: [byte offset, magnitude, signed] of each half field; magnitude ~ 2 / (largest |code · scale| product).
const HALVES: Record<GgmlBlockDType, [number, number, boolean][]> = {
  q4_0: [[0, 0.3, true]],
  q4_1: [[0, 0.15, true], [2, 1, true]],
  q5_0: [[0, 0.12, true]],
  q5_1: [[0, 0.06, true], [2, 1, true]],
  q8_0: [[0, 0.02, true]],
  q2_k: [[80, 0.05, false], [82, 0.1, false]],
  q3_k: [[108, 0.015, true]],
  q4_k: [[0, 0.002, false], [2, 0.02, false]],
  q5_k: [[0, 0.001, false], [2, 0.02, false]],
  q6_k: [[208, 0.0005, true]],
};

/** Random blocks of `rows` rows of `cols` elements, as a GGUF file would hold them. */
export function randomBlocks(rng: Rng, type: GgmlBlockDType, rows: number, cols: number): Uint8Array {
  const { blockSize, typeSize } = GGML_BLOCKS[type];
  const blocks = (rows * cols) / blockSize;
  const bytes = new Uint8Array(blocks * typeSize);
  for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
  for (let blk = 0; blk < blocks; blk++) {
    for (const [off, mag, signed] of HALVES[type]) {
      const v = mag * (0.5 + rng.uniform()) * (signed && rng.uniform() < 0.5 ? -1 : 1);
      const h = f32ToF16Bits(v);
      bytes[blk * typeSize + off] = h & 0xff;
      bytes[blk * typeSize + off + 1] = h >> 8;
    }
  }
  return bytes;
}
