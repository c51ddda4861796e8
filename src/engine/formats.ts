// The engine's weight formats, byte for byte. Pure: used by the GPU upload, by CPU references and by weights/.
//
// f32: plain little-endian floats.
// f16: IEEE half, two per u32 word (element 2i in the low half), element count padded to even.
// q4 / q8: a matrix (N rows, K columns), K a multiple of 32, quantized in blocks of 32 along K (the input
//   dimension). Each block has a scale and a min; an element's value is code * scale + min, with unsigned codes
//   (q4: 0..15, q8: 0..255). This covers GGUF Q4_0 (scale d, min -8d), Q4_1 (d, m), Q4_K (d*sc, -dmin*m),
//   Q8_0 (d, -128d), Q5_0/Q5_1/Q5_K (as q8) exactly. Q6_K, Q2_K and Q3_K scale every 16 values separately, which
//   one (scale, min) per 32 holds only when both halves agree; other blocks are re-quantized to q8 (weights/quant.ts).
//   codes: u32 words, row-major; q4 holds 8 consecutive elements per word (element j of the word at bits 4j..4j+3),
//     q8 holds 4 (element j at bits 8j..8j+7). Words per row: K/8 (q4) or K/4 (q8).
//   params: per (row, block), row-major. paramType 'f16': one u32 = pack2x16float(scale, min) (scale low half);
//     'f32': two f32 words (scale, min). 'f32' exists because Q4_K's d*sc is exact in f32 but not in f16.

export type DType = 'f32' | 'f16' | 'q4' | 'q8';
export type QuantType = 'q4' | 'q8';
export type ParamType = 'f16' | 'f32';

export const QUANT_BLOCK = 32; // elements per block along K

export interface QuantMatrix {
  type: QuantType;
  paramType: ParamType;
  rows: number; // N
  cols: number; // K, multiple of QUANT_BLOCK
  codes: Uint32Array;
  params: Uint32Array; // f16 pairs or f32 bit patterns (view with Float32Array on the same buffer)
}

export function bitsOf(type: QuantType): number {
  return type === 'q4' ? 4 : 8;
}

export function codeWordsPerRow(type: QuantType, cols: number): number {
  return cols / (32 / bitsOf(type));
}

export function paramWordsPerBlock(paramType: ParamType): number {
  return paramType === 'f16' ? 1 : 2;
}

/** Bytes on the GPU for an N x K quantized matrix. */
export function quantBytes(type: QuantType, paramType: ParamType, rows: number, cols: number): { codes: number; params: number } {
  const blocks = (rows * cols) / QUANT_BLOCK;
  return { codes: rows * codeWordsPerRow(type, cols) * 4, params: blocks * paramWordsPerBlock(paramType) * 4 };
}

export function checkQuantShape(rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows <= 0 || !Number.isInteger(cols) || cols <= 0 || cols % QUANT_BLOCK !== 0)
    throw new RangeError(`quantized matrix needs positive rows and cols a multiple of ${QUANT_BLOCK}, got ${rows} x ${cols}`);
}

export function emptyQuant(type: QuantType, paramType: ParamType, rows: number, cols: number): QuantMatrix {
  checkQuantShape(rows, cols);
  const b = quantBytes(type, paramType, rows, cols);
  return { type, paramType, rows, cols, codes: new Uint32Array(b.codes / 4), params: new Uint32Array(b.params / 4) };
}
