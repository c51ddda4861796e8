// What one tensor becomes on the GPU, decided from its stored dtype and shape and the format the import policy wants
// for its role, and the bytes its buffers take (every buffer padded to 4 bytes, at least 4: gpu.ts uploadBytes).
// modelFile.ts loads by the same decision (`storedKind`), and the memory plan (models/zimage/planFiles.ts) weighs
// files by it, so what the plan says is what a load allocates.
//
//   GGUF blocks (Q4_0, Q8_0, Q4_K, Q6_K, ...) under 'keep', 'q4' or 'q8': kept as published, the file's bytes
//     (engine/formats.ts block dtypes); never re-quantized.
//   F32 / F16 / BF16 matrices (rows of a multiple of 32) under 'q4' / 'q8': our q4 / q8 with f16 (scale, min) per 32
//     (quant.ts; a matrix f16 cannot hold switches to f32 params, which no published weight needs).
//   F16 under 'keep' / 'f16': f16 as stored. Everything else: f32, or f16 when 'f16' is asked for.
import { QUANT_BLOCK } from '../engine/formats.ts';
import { GGML_TYPE_BY_NAME, INT_DTYPES, isQuantDtype } from './dtypes.ts';
import type { WeightFormat } from './policy.ts';
import { numelOf } from './source.ts';

export type StoredKind = 'f32' | 'f16' | 'q4' | 'q8' | 'blocks' | 'i32';

export interface StoredTensor {
  kind: StoredKind;
  /** For display and grouping: 'f32', 'f16', 'q4', 'q8', or the ggml type ('Q4_0', 'Q6_K', ...) kept as blocks. */
  format: string;
  /** Bytes of its GPU buffers. */
  gpuBytes: number;
}

/** Bytes a buffer holding `bytes` takes (4-byte padding, never empty). */
export const bufferBytes = (bytes: number): number => Math.max(4, Math.ceil(bytes / 4) * 4);

/** The kind a tensor loads as; `wanted` is formatFor(policy, role). */
export function storedKind(dtype: string, shape: readonly number[], wanted: WeightFormat): StoredKind {
  if (INT_DTYPES.has(dtype)) return 'i32';
  const cols = shape.length > 0 ? shape[shape.length - 1] : 1;
  const matrix = shape.length >= 2 && numelOf(shape) > 0;
  const fmt = wanted === 'q4' || wanted === 'q8' ? (matrix && cols % QUANT_BLOCK === 0 ? wanted : 'keep') : wanted;
  if (isQuantDtype(dtype)) {
    const t = GGML_TYPE_BY_NAME.get(dtype)!;
    return (fmt === 'keep' || fmt === 'q4' || fmt === 'q8') && matrix && cols % t.blockSize === 0 ? 'blocks' : fmt === 'f16' ? 'f16' : 'f32';
  }
  if (fmt === 'q4' || fmt === 'q8') return fmt;
  if (fmt === 'f16' || (dtype === 'F16' && fmt === 'keep')) return 'f16';
  return 'f32';
}

/** What `storedKind` gives for this tensor, and its GPU bytes. `byteLength` is the stored size (blocks keep it). */
export function storedTensor(t: { dtype: string; shape: readonly number[]; byteLength: number }, wanted: WeightFormat): StoredTensor {
  const kind = storedKind(t.dtype, t.shape, wanted);
  const n = numelOf(t.shape);
  switch (kind) {
    case 'blocks':
      return { kind, format: t.dtype, gpuBytes: bufferBytes(t.byteLength) };
    case 'q4':
    case 'q8':
      // codes (4 or 8 bits each) + one packed f16 (scale, min) word per block of 32
      return { kind, format: kind, gpuBytes: bufferBytes(kind === 'q4' ? n / 2 : n) + bufferBytes((n / QUANT_BLOCK) * 4) };
    case 'f16':
      return { kind, format: 'f16', gpuBytes: bufferBytes(Math.ceil(n / 2) * 4) };
    case 'f32':
    case 'i32':
      return { kind, format: kind, gpuBytes: bufferBytes(n * 4) };
  }
}
