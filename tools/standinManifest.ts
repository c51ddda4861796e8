// The manifests of ../shared/realfiles (see its README): the exact structure of each published model file, and the
// header bytes a stand-in of it starts with. GGUF headers follow ggml's writer (gguf.cpp): magic, u32 version,
// u64 tensor count, u64 key/value count, key/values, tensor infos, padding to the alignment. Safetensors headers:
// u64 JSON length, the JSON (`__metadata__` then every tensor), space-padded to the published length.
import { GGML_TYPE_BY_NAME, SAFETENSORS_DTYPE_BYTES } from '../src/weights/dtypes.ts';
import type { GgufManifest, ManifestValue, SafetensorsManifest, SummarisedArray } from './manifest.ts';


// GGUF value types (gguf.h).
const T = { U8: 0, I8: 1, U16: 2, I16: 3, U32: 4, I32: 5, F32: 6, BOOL: 7, STRING: 8, ARRAY: 9, U64: 10, I64: 11, F64: 12 } as const;
const NUMBER_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const FLOAT_KEY = /(freq_base|epsilon|_eps$|scale|factor)/;

/** The GGUF type a JSON scalar is written as, by ggml's conventions (counts, lengths, ids u32; bases, epsilons f32). */
export function scalarType(key: string, v: string | number | boolean): number {
  if (typeof v === 'string') return T.STRING;
  if (typeof v === 'boolean') return T.BOOL;
  if (FLOAT_KEY.test(key) || !Number.isInteger(v)) return T.F32;
  if (v < 0) return v >= -(2 ** 31) ? T.I32 : T.I64;
  return v < 2 ** 32 ? T.U32 : T.U64;
}

function isSummary(v: ManifestValue): v is SummarisedArray {
  return typeof v === 'object' && !Array.isArray(v) && 'array_of' in v;
}

/** Little-endian byte writer that grows as needed. */
class Bytes {
  private buf = new Uint8Array(1 << 16);
  private dv = new DataView(this.buf.buffer);
  length = 0;
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.dv = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // room() may replace buf and dv: take the position first.
  u32(v: number): void {
    const at = this.room(4);
    this.dv.setUint32(at, v, true);
  }
  u64(v: number): void {
    const at = this.room(8);
    this.dv.setBigUint64(at, BigInt(v), true);
  }
  raw(b: Uint8Array): void {
    const at = this.room(b.length);
    this.buf.set(b, at);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.raw(b);
  }
  number(type: number, v: number | boolean): void {
    const at = this.room(NUMBER_BYTES[type]);
    const n = typeof v === 'boolean' ? Number(v) : v;
    switch (type) {
      case T.U8: case T.BOOL: this.dv.setUint8(at, n); break;
      case T.I8: this.dv.setInt8(at, n); break;
      case T.U16: this.dv.setUint16(at, n, true); break;
      case T.I16: this.dv.setInt16(at, n, true); break;
      case T.U32: this.dv.setUint32(at, n, true); break;
      case T.I32: this.dv.setInt32(at, n, true); break;
      case T.F32: this.dv.setFloat32(at, n, true); break;
      case T.U64: this.dv.setBigUint64(at, BigInt(n), true); break;
      case T.I64: this.dv.setBigInt64(at, BigInt(n), true); break;
      case T.F64: this.dv.setFloat64(at, n, true); break;
      default: throw new Error(`GGUF type ${type} is not a number type`);
    }
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Lengths (bytes) of the unrecorded strings of every summarised string array, so that the header ends exactly at
 * `data_offset`: the header is fixed except for those bytes, so they get `data_offset - fixedBytes`, spread as evenly
 * as possible (each string at least 1 byte).
 */
function fillerLengths(m: GgufManifest, fixedBytes: number): Map<string, number[]> {
  const arrays = Object.entries(m.metadata).filter(([, v]) => isSummary(v) && v.array_of === T.STRING) as [string, SummarisedArray][];
  const unrecorded = arrays.reduce((s, [, a]) => s + a.length - a.first.length, 0); // strings
  const budget = m.data_offset - fixedBytes; // bytes
  const out = new Map<string, number[]>();
  if (unrecorded === 0) {
    if (Math.ceil(fixedBytes / m.alignment) * m.alignment !== m.data_offset)
      throw new Error(`${m.file}: the header is ${fixedBytes} bytes, which does not pad to data_offset ${m.data_offset}`);
    return out;
  }
  if (budget < unrecorded) throw new Error(`${m.file}: ${budget} bytes cannot hold ${unrecorded} strings before data_offset ${m.data_offset}`);
  const base = Math.floor(budget / unrecorded);
  let extra = budget - base * unrecorded; // the first `extra` strings get one byte more
  for (const [key, a] of arrays) {
    const lens: number[] = [];
    for (let i = a.first.length; i < a.length; i++) lens.push(base + (extra-- > 0 ? 1 : 0));
    out.set(key, lens);
  }
  return out;
}

/** A deterministic ASCII string of exactly `len` bytes for element `i`. */
function filler(i: number, len: number): string {
  const s = `t${i}`;
  return s.length <= len ? s.padEnd(len, '_') : 'x'.repeat(len);
}

function writeGguf(m: GgufManifest, fillers: Map<string, number[]> | null): Bytes {
  const b = new Bytes();
  b.raw(new TextEncoder().encode('GGUF'));
  b.u32(m.version);
  b.u64(m.tensors.length);
  b.u64(Object.keys(m.metadata).length);
  for (const [key, v] of Object.entries(m.metadata)) {
    b.string(key);
    if (isSummary(v) || Array.isArray(v)) {
      const items = isSummary(v) ? v.first : v;
      const type = isSummary(v) ? v.array_of : items.length ? scalarType(key, items[0]) : T.U32;
      const length = v.length;
      b.u32(T.ARRAY);
      b.u32(type);
      b.u64(length);
      const lens = fillers?.get(key);
      for (let i = 0; i < length; i++) {
        const recorded = i < items.length;
        if (type === T.STRING) b.string(recorded ? String(items[i]) : filler(i, lens ? lens[i - items.length] : 0));
        else b.number(type, (recorded ? items[i] : items[items.length - 1]) as number | boolean); // numbers: the last recorded value repeats
      }
    } else {
      const type = scalarType(key, v);
      b.u32(type);
      if (type === T.STRING) b.string(v as string);
      else b.number(type, v as number | boolean);
    }
  }
  for (const t of m.tensors) {
    const type = GGML_TYPE_BY_NAME.get(t.type);
    if (!type) throw new Error(`${m.file}: unknown ggml type ${t.type} for ${t.name}`);
    b.string(t.name);
    b.u32(t.ggml_dims.length); // n_dims exactly as ggml wrote it (trailing size-1 dims already dropped)
    for (const d of t.ggml_dims) b.u64(d);
    b.u32(type.id);
    b.u64(t.offset);
  }
  return b;
}

/** The GGUF header of a manifest, padded to the alignment: exactly `data_offset` bytes. */
export function ggufHeader(m: GgufManifest): Uint8Array {
  const fixed = writeGguf(m, null).length; // unrecorded strings empty
  const b = writeGguf(m, fillerLengths(m, fixed));
  const out = new Uint8Array(m.data_offset);
  if (b.length > m.data_offset) throw new Error(`${m.file}: header of ${b.length} bytes runs past data_offset ${m.data_offset}`);
  out.set(b.bytes());
  return out;
}

/** The safetensors header of a manifest: u64 length, then the JSON space-padded to exactly `header_bytes`. */
export function safetensorsHeader(m: SafetensorsManifest): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: m.metadata };
  for (const t of m.tensors) header[t.name] = { dtype: t.type, shape: t.shape, data_offsets: t.offsets };
  const json = new TextEncoder().encode(JSON.stringify(header));
  if (json.length > m.header_bytes) throw new Error(`${m.file}: JSON header of ${json.length} bytes exceeds header_bytes ${m.header_bytes}`);
  const out = new Uint8Array(8 + m.header_bytes).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(m.header_bytes), true);
  out.set(json, 8);
  return out;
}

/** Bytes a tensor takes in the data section: ggml blocks for GGUF, element bytes for safetensors. */
export function safetensorsElementBytes(dtype: string): number {
  const n = SAFETENSORS_DTYPE_BYTES[dtype];
  if (!n) throw new Error(`unknown safetensors dtype ${dtype}`);
  return n;
}
