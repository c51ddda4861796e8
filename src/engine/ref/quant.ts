// CPU quantizer and exact dequantizer for the engine's q4 / q8 format (src/engine/formats.ts), for tests and
// references. The production importer (GGUF / safetensors -> engine formats) lives in src/weights.
import { f16BitsToF32, f32ToF16Bits } from '../../lib/f16.ts';
import { bitsOf, codeWordsPerRow, emptyQuant, QUANT_BLOCK, type ParamType, type QuantMatrix, type QuantType } from '../formats.ts';

/**
 * Round-to-nearest per block of 32: min = block min, scale = (max - min) / (2^bits - 1). Params are stored
 * (rounded to f16 for paramType 'f16') first and the codes computed from the stored values, so the rounding of
 * the params does not bias the codes.
 */
export function quantizeRef(w: Float32Array, rows: number, cols: number, type: QuantType, paramType: ParamType): QuantMatrix {
  if (w.length !== rows * cols) throw new RangeError(`quantizeRef: ${w.length} values for ${rows} x ${cols}`);
  const q = emptyQuant(type, paramType, rows, cols);
  const bits = bitsOf(type);
  const levels = (1 << bits) - 1;
  const perWord = 32 / bits;
  const wordsPerRow = codeWordsPerRow(type, cols);
  const pf = new Float32Array(q.params.buffer);
  const blocks = cols / QUANT_BLOCK;
  for (let r = 0; r < rows; r++) {
    for (let blk = 0; blk < blocks; blk++) {
      const base = r * cols + blk * QUANT_BLOCK; // elements
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < QUANT_BLOCK; i++) {
        lo = Math.min(lo, w[base + i]);
        hi = Math.max(hi, w[base + i]);
      }
      let scale = Math.fround((hi - lo) / levels);
      let min = Math.fround(lo);
      const pi = r * blocks + blk;
      if (paramType === 'f16') {
        const s = f32ToF16Bits(scale);
        const m = f32ToF16Bits(min);
        q.params[pi] = (s | (m << 16)) >>> 0;
        scale = f16BitsToF32(s);
        min = f16BitsToF32(m);
      } else {
        pf[2 * pi] = scale;
        pf[2 * pi + 1] = min;
      }
      for (let i = 0; i < QUANT_BLOCK; i++) {
        const code = scale > 0 ? Math.min(levels, Math.max(0, Math.round((w[base + i] - min) / scale))) : 0;
        const k = blk * QUANT_BLOCK + i;
        const wi = r * wordsPerRow + Math.floor(k / perWord);
        q.codes[wi] = (q.codes[wi] | (code << ((k % perWord) * bits))) >>> 0;
      }
    }
  }
  return q;
}

/** Exact dequantization (rows, cols): code * scale + min in f32, params decoded exactly from f16 or f32. */
export function dequantRef(q: QuantMatrix): Float32Array {
  const { rows, cols } = q;
  const out = new Float32Array(rows * cols);
  const bits = bitsOf(q.type);
  const mask = (1 << bits) - 1;
  const perWord = 32 / bits;
  const wordsPerRow = codeWordsPerRow(q.type, cols);
  const pf = new Float32Array(q.params.buffer, q.params.byteOffset, q.params.length);
  const blocks = cols / QUANT_BLOCK;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const pi = r * blocks + Math.floor(k / QUANT_BLOCK);
      let scale: number;
      let min: number;
      if (q.paramType === 'f16') {
        scale = f16BitsToF32(q.params[pi] & 0xffff);
        min = f16BitsToF32(q.params[pi] >>> 16);
      } else {
        scale = pf[2 * pi];
        min = pf[2 * pi + 1];
      }
      const code = (q.codes[r * wordsPerRow + Math.floor(k / perWord)] >>> ((k % perWord) * bits)) & mask;
      out[r * cols + k] = Math.fround(Math.fround(code * scale) + min);
    }
  }
  return out;
}
