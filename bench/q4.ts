// One random 4-bit weight matrix in the two forms the bench compares: ORT's MatMulNBits inputs and our engine
// q4 format (src/engine/formats.ts), holding exactly the same values.
//
// MatMulNBits: value = (code - zp) * scale, with integer zp in 0..15. Ours: value = code * scale + min. So
// min = -zp * scale. Scales are chosen as (1 + r/64) · 2^-6 (7 significant bits) so that scale and zp·scale
// (at most 11 significant bits) are exact in f16, the engine's param type: both sides dequantize identically.
// The code bytes are shared as is: our u32 word holds 8 elements, element j at bits 4j, which in little-endian
// bytes is two per byte, low nibble first, exactly ORT's (N, K/32, 16) uint8 layout.
import type { QuantMatrix } from '../src/engine/formats.ts';
import { f32ToF16Bits } from '../src/lib/f16.ts';
import type { Rng } from '../src/lib/rng.ts';

export interface Q4Weights {
  N: number; // rows (outputs)
  K: number; // columns (inputs), multiple of 32
  /** (N, K/32, 16) bytes: two codes per byte, low nibble first. */
  codes: Uint8Array;
  /** (N, K/32) */
  scales: Float32Array;
  /** (N, ceil((K/32)/2)) bytes: two zero points per byte, low nibble first. */
  zeroPoints: Uint8Array;
}

export function randomQ4(rng: Rng, N: number, K: number): Q4Weights {
  if (K % 32 !== 0) throw new RangeError(`randomQ4: K=${K} is not a multiple of 32`);
  const blocks = K / 32;
  const codes = new Uint8Array((N * K) / 2);
  for (let i = 0; i < codes.length; i++) codes[i] = rng.nextU32() & 0xff;
  const scales = new Float32Array(N * blocks);
  for (let i = 0; i < scales.length; i++) scales[i] = (1 + (rng.nextU32() % 64) / 64) / 64;
  const zpRow = Math.ceil(blocks / 2); // bytes per row
  const zeroPoints = new Uint8Array(N * zpRow);
  for (let n = 0; n < N; n++)
    for (let b = 0; b < blocks; b++) {
      const zp = rng.nextU32() & 15;
      zeroPoints[n * zpRow + (b >> 1)] |= (b & 1 ? zp << 4 : zp);
    }
  return { N, K, codes, scales, zeroPoints };
}

export function zeroPointOf(q: Q4Weights, n: number, block: number): number {
  const byte = q.zeroPoints[n * Math.ceil(q.K / 64) + (block >> 1)];
  return block & 1 ? byte >> 4 : byte & 15;
}

export function codeOf(q: Q4Weights, n: number, k: number): number {
  const byte = q.codes[(n * q.K + k) >> 1];
  return k & 1 ? byte >> 4 : byte & 15;
}

/** The dense (N, K) matrix both formats stand for. */
export function dequantQ4(q: Q4Weights): Float32Array {
  const out = new Float32Array(q.N * q.K); // (N, K)
  const blocks = q.K / 32;
  for (let n = 0; n < q.N; n++)
    for (let k = 0; k < q.K; k++) {
      const b = k >> 5;
      out[n * q.K + k] = (codeOf(q, n, k) - zeroPointOf(q, n, b)) * q.scales[n * blocks + b];
    }
  return out;
}

/** The same matrix in the engine's q4 format with f16 (scale, min) params. */
export function toEngineQ4(q: Q4Weights): QuantMatrix {
  const blocks = q.K / 32;
  const params = new Uint32Array(q.N * blocks);
  for (let n = 0; n < q.N; n++)
    for (let b = 0; b < blocks; b++) {
      const scale = q.scales[n * blocks + b];
      const min = -zeroPointOf(q, n, b) * scale;
      params[n * blocks + b] = (f32ToF16Bits(scale) | (f32ToF16Bits(min) << 16)) >>> 0;
    }
  const codes = new Uint32Array(q.codes.buffer.slice(q.codes.byteOffset, q.codes.byteOffset + q.codes.byteLength));
  return { type: 'q4', paramType: 'f16', rows: q.N, cols: q.K, codes, params };
}
