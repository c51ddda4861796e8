// Random quantized weights for the whole-block rows, each matrix in two forms holding exactly the same values:
// what ours uploads (a WeightFormat: the engine's q4 today, ggml blocks read directly by WGSL later) and what
// ORT's com.microsoft MatMulNBits reads (codes, per-block scales, integer zero points; value = (code - zp) · scale).
//
// The values are drawn on the MatMulNBits lattice: per 32-block a scale with few significant bits and an integer
// zero point, so that scale and zp · scale are exact in f16 (the engine's param type), and every block holds both
// the lowest and the highest code. Round-to-nearest quantization of such a block (src/weights/quant.ts
// quantizeRtn, the studio's float -> q4 path) then finds scale = (max - min) / 15 and min = -zp · scale exactly
// and gives back the same codes: ours and ORT compute the same function, and nbitsFromEngine() checks it.
import type { Gpu } from '../src/engine/gpu.ts';
import type { QuantMatrix, QuantType } from '../src/engine/formats.ts';
import { dequantRef } from '../src/engine/ref/quant.ts';
import type { Tensor } from '../src/engine/tensor.ts';
import { f16BitsToF32, f32ToF16Bits } from '../src/lib/f16.ts';
import type { Rng } from '../src/lib/rng.ts';
import { quantizeRtn } from '../src/weights/quant.ts';

/** ORT MatMulNBits inputs for one (N, K) weight, block 32. */
export interface NBitsWeights {
  bits: 4 | 8;
  N: number; // rows (outputs)
  K: number; // columns (inputs), multiple of 32
  /** (N, K/32, 32·bits/8) bytes; 4-bit: two codes per byte, low nibble first. */
  codes: Uint8Array;
  /** (N, K/32) */
  scales: Float32Array;
  /** 4-bit: (N, ceil((K/32)/2)) bytes, two per byte, low nibble first; 8-bit: (N, K/32) bytes. */
  zeroPoints: Uint8Array;
}

/** One random weight matrix, ready for both sides. */
export interface BenchWeight {
  nbits: NBitsWeights;
  /** Uploads ours (the tensor the model code's matmul reads). */
  upload(gpu: Gpu): Tensor;
  /** The dense (N, K) values both forms stand for (for CPU references; built on demand: big at full size). */
  dense(): Float32Array;
}

/** How ours stores a block's matrices: `random` draws one (N, K) weight in it. Pluggable per bench row. */
export interface WeightFormat {
  /** Row suffix ('' for the engine's default q4; 'q4_0' makes `dit_block_q4_0`). */
  name: string;
  /** What ours reads, for the notes. */
  describe: string;
  random(rng: Rng, N: number, K: number, label: string): BenchWeight;
}

const zpBytesPerRow = (bits: 4 | 8, blocks: number) => (bits === 4 ? Math.ceil(blocks / 2) : blocks);

export function zeroPointAt(w: NBitsWeights, n: number, block: number): number {
  const blocks = w.K / 32;
  if (w.bits === 8) return w.zeroPoints[n * blocks + block];
  const byte = w.zeroPoints[n * zpBytesPerRow(4, blocks) + (block >> 1)];
  return block & 1 ? byte >> 4 : byte & 15;
}

/** The (N, K) matrix MatMulNBits computes with: (code - zp) · scale. */
export function dequantNBits(w: NBitsWeights): Float32Array {
  const { N, K, bits } = w;
  const blocks = K / 32;
  const out = new Float32Array(N * K); // (N, K)
  for (let n = 0; n < N; n++)
    for (let b = 0; b < blocks; b++) {
      const scale = w.scales[n * blocks + b];
      const zp = zeroPointAt(w, n, b);
      for (let j = 0; j < 32; j++) {
        const k = b * 32 + j;
        const e = n * K + k; // element index; 4-bit: byte e >> 1
        const code = bits === 8 ? w.codes[e] : e & 1 ? w.codes[e >> 1] >> 4 : w.codes[e >> 1] & 15;
        out[e] = (code - zp) * scale;
      }
    }
  return out;
}

export interface LatticeOptions {
  bits: 4 | 8;
  /** Inclusive range of the integer zero points. */
  zp: [number, number];
}

/**
 * Random MatMulNBits weights whose values are ~N(0, 1/K)-sized: codes uniform, each block holding the lowest and
 * the highest code; scale = (1 + r/8) · 2^-e (4 significant bits at 4-bit, 3 at 8-bit: with an 8-bit zero point
 * zp · scale still has at most 11, so both are exact in f16).
 */
export function randomLattice(rng: Rng, N: number, K: number, o: LatticeOptions): NBitsWeights {
  if (K % 32 !== 0) throw new RangeError(`randomLattice: K=${K} is not a multiple of 32`);
  const { bits } = o;
  const levels = bits === 4 ? 15 : 255;
  const blocks = K / 32;
  const codes = new Uint8Array((N * K * bits) / 8);
  for (let i = 0; i < codes.length; i++) codes[i] = rng.nextU32() & 0xff;
  // std of a uniform code is levels / sqrt(12); aim the values' std at 1/sqrt(K)
  const e = Math.round(Math.log2((levels / Math.sqrt(12)) * Math.sqrt(K)));
  const mantissaSteps = bits === 4 ? 8 : 4;
  const scales = new Float32Array(N * blocks);
  const zeroPoints = new Uint8Array(N * zpBytesPerRow(bits, blocks));
  for (let n = 0; n < N; n++)
    for (let b = 0; b < blocks; b++) {
      scales[n * blocks + b] = (1 + (rng.nextU32() % mantissaSteps) / mantissaSteps) * 2 ** -e;
      const zp = o.zp[0] + (rng.nextU32() % (o.zp[1] - o.zp[0] + 1));
      if (bits === 8) zeroPoints[n * blocks + b] = zp;
      else zeroPoints[n * zpBytesPerRow(4, blocks) + (b >> 1)] |= b & 1 ? zp << 4 : zp;
      // two distinct positions of the block get the extreme codes, so round-to-nearest recovers this lattice
      const lo = rng.nextU32() % 32;
      const hi = (lo + 1 + (rng.nextU32() % 31)) % 32;
      setCode(codes, bits, n * K + b * 32 + lo, 0);
      setCode(codes, bits, n * K + b * 32 + hi, levels);
    }
  return { bits, N, K, codes, scales, zeroPoints };
}

function setCode(codes: Uint8Array, bits: 4 | 8, e: number, v: number): void {
  if (bits === 8) codes[e] = v;
  else codes[e >> 1] = e & 1 ? (codes[e >> 1] & 0x0f) | (v << 4) : (codes[e >> 1] & 0xf0) | v;
}

/**
 * Our q4 / q8 matrix as MatMulNBits inputs: the code bytes as they are (a u32 word holds consecutive elements from
 * its low bits up, which in little-endian bytes is MatMulNBits' order), scale as is, zero point = -min / scale,
 * which must be an integer code for the two to compute the same function (else this throws).
 */
export function nbitsFromEngine(q: QuantMatrix): NBitsWeights {
  const bits = q.type === 'q4' ? 4 : 8;
  const levels = bits === 4 ? 15 : 255;
  const { rows: N, cols: K } = q;
  const blocks = K / 32;
  const scales = new Float32Array(N * blocks);
  const zeroPoints = new Uint8Array(N * zpBytesPerRow(bits, blocks));
  const pf = new Float32Array(q.params.buffer, q.params.byteOffset, q.params.length);
  for (let n = 0; n < N; n++)
    for (let b = 0; b < blocks; b++) {
      const i = n * blocks + b;
      const scale = q.paramType === 'f16' ? f16BitsToF32(q.params[i] & 0xffff) : pf[2 * i];
      const min = q.paramType === 'f16' ? f16BitsToF32(q.params[i] >>> 16) : pf[2 * i + 1];
      const zp = scale > 0 ? -min / scale : 0;
      if (!Number.isInteger(zp) || zp < 0 || zp > levels || (scale === 0 && min !== 0))
        throw new RangeError(`nbitsFromEngine: row ${n} block ${b} has min ${min} = ${zp} x scale ${scale}, not an integer zero point`);
      scales[i] = scale;
      if (bits === 8) zeroPoints[i] = zp;
      else zeroPoints[n * zpBytesPerRow(4, blocks) + (b >> 1)] |= b & 1 ? zp << 4 : zp;
    }
  const codes = new Uint8Array(q.codes.buffer.slice(q.codes.byteOffset, q.codes.byteOffset + q.codes.byteLength));
  return { bits, N, K, codes, scales, zeroPoints };
}

/**
 * The engine's q4 (or q8) from float weights, as the studio imports a safetensors checkpoint: round-to-nearest
 * quantizeRtn, then gpu.uploadQuant. Zero points drawn near the middle, like trained weights.
 */
export function engineQuant(type: QuantType): WeightFormat {
  const bits = type === 'q4' ? 4 : 8;
  return {
    name: type === 'q4' ? '' : type,
    describe: `${type} (weights/quant.ts quantizeRtn + gpu.uploadQuant, f16 scale and min per 32)`,
    random(rng, N, K, label) {
      const lattice = randomLattice(rng, N, K, { bits, zp: bits === 4 ? [6, 9] : [112, 143] });
      const q = quantizeRtn(dequantNBits(lattice), N, K, type);
      const nbits = nbitsFromEngine(q);
      return { nbits, upload: (gpu) => gpu.uploadQuant(q, label), dense: () => dequantRef(q) };
    },
  };
}

export const ENGINE_Q4 = engineQuant('q4');
export const ENGINE_Q8 = engineQuant('q8');

/** Bytes of ggml Q4_0 blocks: per 32 elements an f16 d, then 16 bytes, byte j = q[j] | q[j + 16] << 4. */
export function ggmlQ4_0Bytes(w: NBitsWeights): Uint8Array {
  const blocks = (w.N * w.K) / 32;
  const out = new Uint8Array(blocks * 18);
  const dv = new DataView(out.buffer);
  for (let blk = 0; blk < blocks; blk++) {
    const n = Math.floor((blk * 32) / w.K);
    if (zeroPointAt(w, n, blk % (w.K / 32)) !== 8) throw new RangeError('ggmlQ4_0Bytes: Q4_0 needs zero point 8');
    dv.setUint16(blk * 18, f32ToF16Bits(w.scales[blk]), true);
    for (let j = 0; j < 16; j++) {
      const e = blk * 32 + j;
      const lo = e & 1 ? w.codes[e >> 1] >> 4 : w.codes[e >> 1] & 15;
      const f = e + 16;
      const hi = f & 1 ? w.codes[f >> 1] >> 4 : w.codes[f >> 1] & 15;
      out[blk * 18 + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}

/** Uploads ggml blocks of one (N, K) matrix as ours reads them. */
export type GgmlUploader = (gpu: Gpu, blocks: Uint8Array, N: number, K: number, label: string) => Tensor;

/**
 * GGUF Q4_0 (value = (q - 8) · d, f16 d per 32), uploaded by `upload`: the studio's load path is
 * `(gpu, bytes, N, K, label) => gpu.uploadBlocks('q4_0', bytes, [N, K], label)` (the matmul kernels read
 * them as stored). ORT gets the same blocks as MatMulNBits with zero point 8.
 */
export function ggmlQ4_0(upload: GgmlUploader, describe: string): WeightFormat {
  return {
    name: 'q4_0',
    describe,
    random(rng, N, K, label) {
      const nbits = randomLattice(rng, N, K, { bits: 4, zp: [8, 8] });
      const bytes = ggmlQ4_0Bytes(nbits);
      return { nbits, upload: (gpu) => upload(gpu, bytes, N, K, label), dense: () => dequantNBits(nbits) };
    },
  };
}
