// Conversion into the engine's q4 / q8 matrices (src/engine/formats.ts: unsigned codes, per-32-block scale and min,
// value = code * scale + min) and back.
//
// From GGUF blocks (exact: dequantize(result) equals ggml's dequantization bit for bit):
//   Q4_0 -> q4, f16 params (d, -8d)          Q4_1 -> q4, f16 (d, m)        Q4_K -> q4, f32 (d*sc, -dmin*m)
//   Q8_0 -> q8, f16 (d, -128d), code q+128   Q5_0 -> q8, f16 (d, -16d)     Q5_K -> q8, f32 (d*sc, -dmin*m)
//   Q5_1 -> q8, f16 (d, m)
// ("f16" falls back to f32 params for a matrix whose -8d / -128d overflow f16; nothing is ever rounded.)
// Re-encoded (NOT exact): Q6_K, Q2_K and Q3_K scale sub-blocks of 16 elements independently, which one (scale, min)
// per 32 cannot express. Each 32-block whose two halves share a scale keeps the lattice (Q6_K: code q+32, scale d*sc,
// min -32*d*sc; equal to ggml up to one f32 rounding); any other block is re-quantized to q8 (f32 params) from
// ggml's exact values, adding at most (max - min) / 510 per element, about an eighth of Q6_K's own step.
//
// From floats: round-to-nearest per block of 32, scale = (max - min) / (2^bits - 1), min = block min, f16 params
// (rounded first, codes computed against the rounded values; f32 params for a matrix with a block f16 cannot hold:
// overflow, or a min whose f16 rounding would cost more than half a step). A constant block has scale 0, codes 0.
import { f16BitsToF32, f32ToF16Bits, roundToF16 } from '../lib/f16.ts';
import type { ParamType, QuantMatrix, QuantType } from '../engine/formats.ts';
import { checkQuantShape, codeWordsPerRow, QUANT_BLOCK } from '../engine/formats.ts';
import { GGML_TYPE_BY_NAME } from './dtypes.ts';
import { dequantizeBlocksInto, h16, q6kCode, q6kScale, scaleMinK4 } from './ggmlDequant.ts';
import { badFile } from './source.ts';

const fr = Math.fround;

/** GGUF types that convert to an engine matrix, the engine type they become, and whether exactly. */
export const GGML_TO_ENGINE: Readonly<Record<string, { type: QuantType; exact: boolean }>> = {
  Q4_0: { type: 'q4', exact: true }, Q4_1: { type: 'q4', exact: true }, Q4_K: { type: 'q4', exact: true },
  Q8_0: { type: 'q8', exact: true }, Q5_0: { type: 'q8', exact: true }, Q5_1: { type: 'q8', exact: true }, Q5_K: { type: 'q8', exact: true },
  Q6_K: { type: 'q8', exact: false }, Q2_K: { type: 'q8', exact: false }, Q3_K: { type: 'q8', exact: false },
};

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

/** Fills `codes` with one exact 32-block of an exactly-mapped type and returns [scale, min]; null if not exact. */
function exactBlock(type: string, b: Uint8Array, p: number, sub: number, codes: Uint8Array): [number, number] | null {
  switch (type) {
    case 'Q4_0':
    case 'Q4_1': {
      const q = p + (type === 'Q4_0' ? 2 : 4);
      for (let j = 0; j < 16; j++) {
        codes[j] = b[q + j] & 0xf;
        codes[j + 16] = b[q + j] >> 4;
      }
      const d = h16(b, p);
      return type === 'Q4_0' ? [d, fr(-8 * d)] : [d, h16(b, p + 2)];
    }
    case 'Q8_0': {
      for (let j = 0; j < 32; j++) codes[j] = (b[p + 2 + j] ^ 0x80) & 0xff; // int8 q -> q + 128
      const d = h16(b, p);
      return [d, fr(-128 * d)];
    }
    case 'Q5_0':
    case 'Q5_1': {
      const h = p + (type === 'Q5_0' ? 2 : 4); // qh, then qs
      const qh = (b[h] | (b[h + 1] << 8) | (b[h + 2] << 16) | (b[h + 3] << 24)) >>> 0;
      for (let j = 0; j < 16; j++) {
        codes[j] = (b[h + 4 + j] & 0xf) | (((qh >>> j) << 4) & 0x10);
        codes[j + 16] = (b[h + 4 + j] >> 4) | ((qh >>> (j + 12)) & 0x10);
      }
      const d = h16(b, p);
      return type === 'Q5_0' ? [d, fr(-16 * d)] : [d, h16(b, p + 2)];
    }
    case 'Q4_K':
    case 'Q5_K': {
      const j = sub >> 1;
      const high = sub & 1;
      const ql = p + (type === 'Q4_K' ? 16 : 48) + j * 32;
      for (let l = 0; l < 32; l++) {
        const nib = high ? b[ql + l] >> 4 : b[ql + l] & 0xf;
        codes[l] = type === 'Q4_K' ? nib : nib + (b[p + 16 + l] & (1 << sub) ? 16 : 0);
      }
      const [sc, m] = scaleMinK4(b, p + 4, sub);
      return [fr(h16(b, p) * sc), -fr(h16(b, p + 2) * m)];
    }
    case 'Q6_K': {
      const e0 = sub * 32;
      const sA = q6kScale(b, p, e0);
      if (q6kScale(b, p, e0 + 16) !== sA) return null;
      for (let l = 0; l < 32; l++) codes[l] = q6kCode(b, p, e0 + l);
      const s = fr(h16(b, p + 208) * sA);
      return [s, fr(-32 * s)];
    }
    default:
      return null;
  }
}

/**
 * Converts whole rows of GGUF block data into `b` starting at row `rowStart`. `bytes` holds n rows of cols elements.
 * Types without an exact mapping (see the header) are re-quantized per block from ggml's dequantized values.
 */
export function ggmlRowsInto(type: string, bytes: Uint8Array, b: QuantBuilder, rowStart: number): void {
  const t = GGML_TYPE_BY_NAME.get(type);
  const target = GGML_TO_ENGINE[type];
  if (!t || !target) throw badFile(`cannot convert ${type} to an engine matrix`);
  if (target.type !== b.type) throw new Error(`${type} converts to ${target.type}, not ${b.type}`);
  if (b.cols % t.blockSize !== 0) throw badFile(`${type} rows of ${b.cols} elements are not whole blocks`);
  const subPerBlock = t.blockSize / QUANT_BLOCK;
  const srcBlocks = bytes.byteLength / t.typeSize;
  const blk0 = (rowStart * b.cols) / QUANT_BLOCK;
  const codes = new Uint8Array(QUANT_BLOCK);
  const vals = new Float32Array(t.blockSize);
  for (let s = 0; s < srcBlocks; s++) {
    const p = s * t.typeSize;
    let decoded = false;
    for (let sub = 0; sub < subPerBlock; sub++) {
      const blk = blk0 + s * subPerBlock + sub;
      const sm = exactBlock(type, bytes, p, sub, codes);
      if (sm) {
        b.setBlock(blk, codes, sm[0], sm[1]);
        continue;
      }
      if (!decoded) dequantizeBlocksInto(type, bytes.subarray(p, p + t.typeSize), vals, 0);
      decoded = true;
      // Re-quantize to q8 with f32 params straight from the block's range (no f16 rounding of scale or min).
      let lo = Infinity, hi = -Infinity;
      for (let j = 0; j < QUANT_BLOCK; j++) {
        const v = vals[sub * QUANT_BLOCK + j];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      const scale = fr((hi - lo) / 255);
      for (let j = 0; j < QUANT_BLOCK; j++) {
        const c = scale > 0 ? Math.round((vals[sub * QUANT_BLOCK + j] - lo) / scale) : 0;
        codes[j] = c < 0 ? 0 : c > 255 ? 255 : c;
      }
      b.setBlock(blk, codes, scale, fr(lo));
    }
  }
}

/** Param encoding each GGUF type converts with: lossless f16 where the mapping allows it, f32 otherwise. */
export function ggmlParamType(type: string): ParamType | 'auto' {
  return type === 'Q4_0' || type === 'Q4_1' || type === 'Q8_0' || type === 'Q5_0' || type === 'Q5_1' ? 'auto' : 'f32';
}

/** A whole GGUF quantized matrix (rows, cols) -> engine matrix. */
export function ggmlToQuant(type: string, bytes: Uint8Array, rows: number, cols: number): QuantMatrix {
  const target = GGML_TO_ENGINE[type];
  if (!target) throw badFile(`cannot convert ${type} to an engine matrix`);
  const b = new QuantBuilder(target.type, rows, cols);
  ggmlRowsInto(type, bytes, b, 0);
  return b.finish(ggmlParamType(type));
}
