// The engine's weight formats, byte for byte. Pure: used by the GPU upload, by CPU references and by weights/.
//
// f32: plain little-endian floats. u32: plain little-endian unsigned words (indices such as row selectors).
// f16: IEEE half, two per u32 word (element 2i in the low half), element count padded to even.
// q4 / q8: a matrix (N rows, K columns), K a multiple of 32, quantized in blocks of 32 along K (the input
//   dimension). Each block has a scale and a min; an element's value is code * scale + min, with unsigned codes
//   (q4: 0..15, q8: 0..255). Safetensors (float) sources are quantized into these on load (weights/quant.ts).
//   codes: u32 words, row-major; q4 holds 8 consecutive elements per word (element j of the word at bits 4j..4j+3),
//     q8 holds 4 (element j at bits 8j..8j+7). Words per row: K/8 (q4) or K/4 (q8).
//   params: per (row, block), row-major. paramType 'f16': one u32 = pack2x16float(scale, min) (scale low half);
//     'f32': two f32 words (scale, min), for a matrix with a block f16 cannot hold (weights/quant.ts).

// ggml blocks (q4_0 .. q6_k): GGUF tensors stay exactly as published. A matrix (N, K), K a multiple of the type's
//   block size, is ONE buffer holding the GGUF bytes of its rows, row-major, as in the file (ggml-common.h block
//   structs back to back; row n starts at byte n * ggmlRowBytes(dtype, K)), zero-padded at the end to a multiple
//   of 4 bytes; no params buffer. Every block size in bytes is even and every field sits at an even offset, so
//   kernels read any field from array<u32> with 2-byte-aligned reads (shaders/matmul_ggml_bytes.wgsl). Values are
//   ggml's dequantization (ggml-quants.c dequantize_row_*) in f32; weights/ggmlDequant.ts is the CPU port.

/** ggml block formats kept as stored (GGUF type names, lower case). */
export type GgmlBlockDType = 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q8_0' | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k';
/** u32: integer words (row selectors), never a weight. */
export type DType = 'f32' | 'f16' | 'u32' | 'q4' | 'q8' | GgmlBlockDType;
export type QuantType = 'q4' | 'q8';
export type ParamType = 'f16' | 'f32';

export const QUANT_BLOCK = 32; // elements per block along K

/** Elements per block and bytes per block of each ggml block type (ggml-common.h). */
export const GGML_BLOCKS: Readonly<Record<GgmlBlockDType, { blockSize: number; typeSize: number }>> = {
  q4_0: { blockSize: 32, typeSize: 18 },
  q4_1: { blockSize: 32, typeSize: 20 },
  q5_0: { blockSize: 32, typeSize: 22 },
  q5_1: { blockSize: 32, typeSize: 24 },
  q8_0: { blockSize: 32, typeSize: 34 },
  q2_k: { blockSize: 256, typeSize: 84 },
  q3_k: { blockSize: 256, typeSize: 110 },
  q4_k: { blockSize: 256, typeSize: 144 },
  q5_k: { blockSize: 256, typeSize: 176 },
  q6_k: { blockSize: 256, typeSize: 210 },
};

export function isGgmlBlockDType(dtype: string): dtype is GgmlBlockDType {
  return Object.hasOwn(GGML_BLOCKS, dtype);
}

/** The engine dtype of a GGUF type name ('Q4_K' -> 'q4_k'), or null when the engine has no kernel for it. */
export function ggmlBlockDType(ggmlName: string): GgmlBlockDType | null {
  const d = ggmlName.toLowerCase();
  return isGgmlBlockDType(d) ? d : null;
}

/** Bytes of one row of `cols` elements (cols a multiple of the block size). */
export function ggmlRowBytes(dtype: GgmlBlockDType, cols: number): number {
  const { blockSize, typeSize } = GGML_BLOCKS[dtype];
  if (!Number.isInteger(cols) || cols <= 0 || cols % blockSize !== 0)
    throw new RangeError(`${dtype} rows need a positive multiple of ${blockSize} elements, got ${cols}`);
  return (cols / blockSize) * typeSize;
}

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
