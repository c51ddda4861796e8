// Element types of the two file formats, and decoding of plain (unquantized) element bytes.
//
// safetensors names its dtypes by string; every dtype of the safetensors spec is known here (so byte lengths can be
// validated), but only F32, F16, BF16, I32 and I64 load. GGUF uses ggml's numeric type ids; blocks of `blockSize`
// elements take `typeSize` bytes (ggml-common.h). Ids 4, 5, 31..33 and 36..38 were removed from ggml and are unknown.
import { bf16BitsToF32, f16BitsToF32 } from '../lib/f16.ts';
import { badFile } from './source.ts';

/** Bytes per element of each safetensors dtype (sub-byte types are not in the spec and are rejected). */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8,
};

export interface GgmlType {
  id: number;
  name: string;
  blockSize: number; // elements per block
  typeSize: number; // bytes per block
}

const GGML_TYPE_LIST: GgmlType[] = [
  [0, 'F32', 1, 4], [1, 'F16', 1, 2], [2, 'Q4_0', 32, 18], [3, 'Q4_1', 32, 20], [6, 'Q5_0', 32, 22],
  [7, 'Q5_1', 32, 24], [8, 'Q8_0', 32, 34], [9, 'Q8_1', 32, 36], [10, 'Q2_K', 256, 84], [11, 'Q3_K', 256, 110],
  [12, 'Q4_K', 256, 144], [13, 'Q5_K', 256, 176], [14, 'Q6_K', 256, 210], [15, 'Q8_K', 256, 292],
  [16, 'IQ2_XXS', 256, 66], [17, 'IQ2_XS', 256, 74], [18, 'IQ3_XXS', 256, 98], [19, 'IQ1_S', 256, 50],
  [20, 'IQ4_NL', 32, 18], [21, 'IQ3_S', 256, 110], [22, 'IQ2_S', 256, 82], [23, 'IQ4_XS', 256, 136],
  [24, 'I8', 1, 1], [25, 'I16', 1, 2], [26, 'I32', 1, 4], [27, 'I64', 1, 8], [28, 'F64', 1, 8],
  [29, 'IQ1_M', 256, 56], [30, 'BF16', 1, 2], [34, 'TQ1_0', 256, 54], [35, 'TQ2_0', 256, 66], [39, 'MXFP4', 32, 17],
].map(([id, name, blockSize, typeSize]) => ({ id, name, blockSize, typeSize }) as GgmlType);

export const GGML_TYPES: ReadonlyMap<number, GgmlType> = new Map(GGML_TYPE_LIST.map((t) => [t.id, t]));
export const GGML_TYPE_BY_NAME: ReadonlyMap<string, GgmlType> = new Map(GGML_TYPE_LIST.map((t) => [t.name, t]));

/** Block-quantized GGUF types this package can turn into numbers (ggmlDequant.ts). */
export const DEQUANT_TYPES: ReadonlySet<string> = new Set(['Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K']);

/** Plain float dtypes (same names in both formats) that decode element by element. */
export const FLOAT_DTYPES: ReadonlySet<string> = new Set(['F32', 'F16', 'BF16']);
export const INT_DTYPES: ReadonlySet<string> = new Set(['I32', 'I64']);

export function isQuantDtype(dtype: string): boolean {
  const t = GGML_TYPE_BY_NAME.get(dtype);
  return t !== undefined && t.blockSize > 1;
}

/** Whether loadTensor can produce numbers for this dtype. */
export function isLoadable(dtype: string): boolean {
  return FLOAT_DTYPES.has(dtype) || INT_DTYPES.has(dtype) || DEQUANT_TYPES.has(dtype);
}

/** Copies little-endian element bytes into an aligned buffer (file views may sit at odd offsets). */
function aligned(bytes: Uint8Array, align: number): ArrayBuffer {
  if (bytes.byteOffset % align === 0 && bytes.buffer instanceof ArrayBuffer)
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy.buffer;
}

/** F32 / F16 / BF16 element bytes -> f32 values, written into `out` at `outOffset` (elements). */
export function decodeFloatsInto(dtype: string, bytes: Uint8Array, out: Float32Array, outOffset: number): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F32') {
    const n = bytes.byteLength / 4;
    for (let i = 0; i < n; i++) out[outOffset + i] = dv.getFloat32(i * 4, true);
  } else if (dtype === 'F16') {
    const n = bytes.byteLength / 2;
    for (let i = 0; i < n; i++) out[outOffset + i] = f16BitsToF32(dv.getUint16(i * 2, true));
  } else if (dtype === 'BF16') {
    const n = bytes.byteLength / 2;
    for (let i = 0; i < n; i++) out[outOffset + i] = bf16BitsToF32(dv.getUint16(i * 2, true));
  } else throw badFile(`unsupported dtype ${dtype} for float decoding`);
}

/** F16 element bytes as raw half bits (for keep-as-is f16 loads). */
export function decodeF16Bits(bytes: Uint8Array): Uint16Array {
  return new Uint16Array(aligned(bytes, 2));
}

/** I32 / I64 element bytes -> Int32Array; an I64 value outside the i32 range is a file problem for our uses (ids). */
export function decodeInts(dtype: string, bytes: Uint8Array): Int32Array {
  if (dtype === 'I32') return new Int32Array(aligned(bytes, 4));
  if (dtype !== 'I64') throw badFile(`unsupported integer dtype ${dtype}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / 8;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = dv.getBigInt64(i * 8, true);
    if (v < -2147483648n || v > 2147483647n) throw badFile(`I64 value ${v} does not fit in 32 bits`);
    out[i] = Number(v);
  }
  return out;
}
