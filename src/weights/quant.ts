// Quantization of float (safetensors) sources into the engine's q4 / q8 matrices (src/engine/formats.ts: unsigned
// codes, per-32-block scale and min, value = code * scale + min), and back. GGUF block tensors never come here:
// they stay in ggml's block formats as stored, and the GPU kernels read them (formats.ts, modelFile.ts).
//
// From floats: round-to-nearest per block of 32, scale = (max - min) / (2^bits - 1), min = block min, f16 params
// (rounded first, codes computed against the rounded values; f32 params for a matrix with a block f16 cannot hold:
// overflow, or a min whose f16 rounding would cost more than half a step). A constant block has scale 0, codes 0.
import { f16BitsToF32, f32ToF16Bits, roundToF16 } from '../lib/f16.ts';
import type { ParamType, QuantMatrix, QuantType } from '../engine/formats.ts';
import { checkQuantShape, codeWordsPerRow, QUANT_BLOCK } from '../engine/formats.ts';
import { badFile } from './source.ts';

const fr = Math.fround;

/** Accumulates codes and (scale, min) pairs, then picks the param encoding. Rows can be filled in chunks. */
export class QuantBuilder {
  readonly codes: Uint32Array;
  /** (scale, min) per block, row-major. */
  readonly params: Float32Array;
  readonly wordsPerRow: number;
  private readonly bits: number;

  constructor(
    readonly type: QuantType,
    readonly rows: number,
    readonly cols: number,
  ) {
    checkQuantShape(rows, cols);
    this.wordsPerRow = codeWordsPerRow(type, cols);
    this.bits = type === 'q4' ? 4 : 8;
    this.codes = new Uint32Array(rows * this.wordsPerRow);
    this.params = new Float32Array((rows * cols) / QUANT_BLOCK * 2);
  }

  /** Stores block `blk` (global, row-major) from 32 codes. */
  setBlock(blk: number, c: ArrayLike<number>, scale: number, min: number): void {
    const codes = this.codes;
    if (this.bits === 4) {
      for (let w = 0, o = blk * 4; w < 4; w++, o++) {
        const j = w * 8;
        codes[o] = (c[j] | (c[j + 1] << 4) | (c[j + 2] << 8) | (c[j + 3] << 12) | (c[j + 4] << 16) | (c[j + 5] << 20) | (c[j + 6] << 24) | (c[j + 7] << 28)) >>> 0;
      }
    } else {
      for (let w = 0, o = blk * 8; w < 8; w++, o++) {
        const j = w * 4;
        codes[o] = (c[j] | (c[j + 1] << 8) | (c[j + 2] << 16) | (c[j + 3] << 24)) >>> 0;
      }
    }
    this.params[blk * 2] = scale;
    this.params[blk * 2 + 1] = min;
  }

  /** 'auto': f16 when every scale and min is exactly an f16 value (then lossless), else f32. */
  finish(paramType: ParamType | 'auto'): QuantMatrix {
    let useF16 = paramType === 'f16' || paramType === 'auto';
    if (paramType === 'auto') {
      for (let i = 0; i < this.params.length; i++) {
        const v = this.params[i];
        if (roundToF16(v) !== v) {
          useF16 = false;
          break;
        }
      }
    }
    if (!useF16) return { type: this.type, paramType: 'f32', rows: this.rows, cols: this.cols, codes: this.codes, params: new Uint32Array(this.params.buffer) };
    const packed = new Uint32Array(this.params.length / 2);
    for (let b = 0; b < packed.length; b++) packed[b] = (f32ToF16Bits(this.params[2 * b]) | (f32ToF16Bits(this.params[2 * b + 1]) << 16)) >>> 0;
    return { type: this.type, paramType: 'f16', rows: this.rows, cols: this.cols, codes: this.codes, params: packed };
  }
}

/** The exact value of every element: code * scale + min in f32, as the engine's kernels compute it. */
export function dequantize(q: QuantMatrix): Float32Array {
  checkQuantShape(q.rows, q.cols);
  const bits = q.type === 'q4' ? 4 : 8;
  const mask = (1 << bits) - 1;
  const perWord = 32 / bits;
  const wordsPerBlock = QUANT_BLOCK / perWord;
  const out = new Float32Array(q.rows * q.cols);
  const pf32 = new Float32Array(q.params.buffer, q.params.byteOffset, q.params.length);
  const blocks = out.length / QUANT_BLOCK;
  for (let blk = 0; blk < blocks; blk++) {
    let scale: number, min: number;
    if (q.paramType === 'f16') {
      const w = q.params[blk];
      scale = f16BitsToF32(w & 0xffff);
      min = f16BitsToF32(w >>> 16);
    } else {
      scale = pf32[blk * 2];
      min = pf32[blk * 2 + 1];
    }
    let o = blk * QUANT_BLOCK;
    for (let w = blk * wordsPerBlock, end = w + wordsPerBlock; w < end; w++) {
      const word = q.codes[w];
      for (let j = 0; j < perWord; j++) out[o++] = fr(fr(((word >>> (bits * j)) & mask) * scale) + min);
    }
  }
  return out;
}

/** Round-to-nearest quantization of rows [rowStart, rowStart + n) given as f32 values (n * cols). */
export function quantizeRowsInto(b: QuantBuilder, values: Float32Array, rowStart: number): void {
  const levels = b.type === 'q4' ? 15 : 255;
  const codes = new Uint8Array(QUANT_BLOCK);
  const blocks = values.length / QUANT_BLOCK;
  const blk0 = (rowStart * b.cols) / QUANT_BLOCK;
  for (let k = 0; k < blocks; k++) {
    const o = k * QUANT_BLOCK;
    let lo = Infinity;
    let hi = -Infinity;
    let nan = false;
    for (let j = 0; j < QUANT_BLOCK; j++) {
      const v = values[o + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      nan ||= v !== v;
    }
    if (nan || !Number.isFinite(lo) || !Number.isFinite(hi)) throw badFile('a non-finite weight value cannot be quantized');
    let scale = roundToF16((hi - lo) / levels);
    let min = roundToF16(lo);
    // f16 params unless they cannot hold this block: beyond the f16 range, or a min so far from zero relative to
    // the block's spread that rounding it costs more than half a step. Then f32 params (finish() switches the
    // whole matrix); normal weight blocks straddle zero and never need it.
    if (!Number.isFinite(scale) || !Number.isFinite(min) || Math.abs(min - lo) > (hi - lo) / (2 * levels)) {
      scale = fr((hi - lo) / levels);
      min = fr(lo);
    }
    // Constant block: scale 0, every code 0, value = min. Otherwise nearest code against the rounded params.
    const inv = scale > 0 ? 1 / scale : 0;
    for (let j = 0; j < QUANT_BLOCK; j++) {
      const r = (values[o + j] - min) * inv + 0.5; // round half up
      codes[j] = r >= levels ? levels : r > 0 ? r | 0 : 0;
    }
    b.setBlock(blk0 + k, codes, scale, min);
  }
}

/** Round-to-nearest q4 / q8 of a whole (rows, cols) f32 matrix. */
export function quantizeRtn(values: Float32Array, rows: number, cols: number, type: QuantType): QuantMatrix {
  const b = new QuantBuilder(type, rows, cols);
  if (values.length !== rows * cols) throw new RangeError(`quantizeRtn: ${values.length} values for ${rows} x ${cols}`);
  quantizeRowsInto(b, values, 0);
  return b.finish('auto');
}
