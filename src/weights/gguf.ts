// GGUF reader (versions 2 and 3, little-endian): magic "GGUF", u32 version, u64 tensor count, u64 metadata count,
// metadata key/values, tensor infos (name, n_dims, ne[n_dims] u64, u32 ggml type, u64 offset), padding to
// `general.alignment` (default 32), then the data area. ne[0] is the innermost (fastest) dimension, so a PyTorch
// (N, K) matrix has ne = [K, N]; RawTensor.shape is reversed into PyTorch order.
//
// Hostile files: every count and length is checked against the bytes that actually remain before anything is
// allocated for it, the header itself is capped at MAX_GGUF_HEADER_BYTES, and array nesting is capped. The header is
// parsed from a prefix of the file; if the prefix runs out, a larger prefix (doubling, never past the file) is read
// and parsing restarts, so tensors are never read here.
import type { GgmlType } from './dtypes.ts';
import { GGML_TYPES } from './dtypes.ts';
import type { ByteSource, RawTensor } from './source.ts';
import { badFile, readRange } from './source.ts';

export const MAX_GGUF_HEADER_BYTES = 64 * 1024 * 1024; // a llama.cpp Qwen3 vocabulary is ~6 MB of metadata
const FIRST_READ_BYTES = 1 << 20;
const MAX_ARRAY_DEPTH = 4;
const GGML_MAX_DIMS = 4;

export type GgufNumberArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array
  | BigUint64Array | BigInt64Array;
/** Scalars; numeric arrays as typed arrays (compact for big vocab tables); other arrays as JS arrays. */
export type GgufValue = number | bigint | boolean | string | GgufNumberArray | GgufValue[];

export interface GgufFile {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: RawTensor[];
  alignment: number; // bytes
  dataOffset: number; // bytes: start of the data area
  headerBytes: number; // bytes before the data area
}

/** Thrown internally when the prefix in memory ends before the header does. */
class NeedMore {
  constructor(readonly atLeast: number) {}
}

class Cursor {
  pos = 0;
  private readonly dv: DataView;
  constructor(
    private readonly u8: Uint8Array,
    private readonly fileSize: number,
  ) {
    this.dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
  }
  /** Bytes of the file after the cursor: the hard bound for any count the header claims. */
  get fileLeft(): number {
    return this.fileSize - this.pos;
  }
  need(n: number, what: string): void {
    if (n > this.fileLeft) throw badFile(`${what} runs past the end of the file (needs ${n} bytes at ${this.pos}, file has ${this.fileSize})`);
    if (this.pos + n > this.u8.byteLength) throw new NeedMore(this.pos + n);
  }
  u8v(what: string): number {
    this.need(1, what);
    return this.dv.getUint8(this.pos++);
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  /** A u64 that must be a count or offset: a safe integer. */
  count(what: string): number {
    this.need(8, what);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw badFile(`${what} ${v} is absurd`);
    return Number(v);
  }
  string(what: string): string {
    const len = this.count(`${what} length`);
    this.need(len, what);
    const bytes = this.u8.subarray(this.pos, this.pos + len);
    this.pos += len;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw badFile(`${what} is not valid UTF-8`);
    }
  }
  value(type: number, what: string, depth: number): GgufValue {
    const dv = this.dv;
    const at = (n: number): number => {
      this.need(n, what);
      const p = this.pos;
      this.pos += n;
      return p;
    };
    switch (type) {
      case 0: return dv.getUint8(at(1));
      case 1: return dv.getInt8(at(1));
      case 2: return dv.getUint16(at(2), true);
      case 3: return dv.getInt16(at(2), true);
      case 4: return dv.getUint32(at(4), true);
      case 5: return dv.getInt32(at(4), true);
      case 6: return dv.getFloat32(at(4), true);
      case 7: {
        const b = dv.getUint8(at(1));
        if (b > 1) throw badFile(`${what}: bool value ${b}`);
        return b === 1;
      }
      case 8: return this.string(what);
      case 9: {
        if (depth >= MAX_ARRAY_DEPTH) throw badFile(`${what}: arrays nested deeper than ${MAX_ARRAY_DEPTH}`);
        const elemType = this.u32(`${what} array type`);
        const n = this.count(`${what} array length`);
        const minBytes = ELEM_MIN_BYTES[elemType];
        if (minBytes === undefined) throw badFile(`${what}: unknown array element type ${elemType}`);
        if (n * minBytes > this.fileLeft) throw badFile(`${what}: array of ${n} elements runs past the end of the file`);
        const typed = TYPED_ARRAYS[elemType];
        if (typed) {
          // Numbers go into a typed array: the bytes are checked to be in memory first, so its size is real.
          const [Ctor, getter] = typed;
          this.need(n * minBytes, what);
          const out = new Ctor(n);
          for (let i = 0; i < n; i++) out[i] = getter(dv, this.pos + i * minBytes);
          this.pos += n * minBytes;
          return out as GgufNumberArray;
        }
        const out: GgufValue[] = []; // grows only as elements are actually parsed from bytes in memory
        for (let i = 0; i < n; i++) out.push(this.value(elemType, what, depth + 1));
        return out;
      }
      case 10: return toNumber(dv.getBigUint64(at(8), true));
      case 11: return toNumber(dv.getBigInt64(at(8), true));
      case 12: return dv.getFloat64(at(8), true);
      default: throw badFile(`${what}: unknown value type ${type}`);
    }
  }
}

/** Least bytes one element of each metadata type takes (strings: the u64 length; arrays: type + length). */
const ELEM_MIN_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 8: 8, 9: 12, 10: 8, 11: 8, 12: 8 };

type Getter = (dv: DataView, at: number) => number & bigint;
type TypedCtor = new (n: number) => { [i: number]: number | bigint; length: number };
const TYPED_ARRAYS: Record<number, [TypedCtor, Getter]> = {
  0: [Uint8Array, (dv, p) => dv.getUint8(p) as never],
  1: [Int8Array, (dv, p) => dv.getInt8(p) as never],
  2: [Uint16Array, (dv, p) => dv.getUint16(p, true) as never],
  3: [Int16Array, (dv, p) => dv.getInt16(p, true) as never],
  4: [Uint32Array, (dv, p) => dv.getUint32(p, true) as never],
  5: [Int32Array, (dv, p) => dv.getInt32(p, true) as never],
  6: [Float32Array, (dv, p) => dv.getFloat32(p, true) as never],
  10: [BigUint64Array, (dv, p) => dv.getBigUint64(p, true) as never],
  11: [BigInt64Array, (dv, p) => dv.getBigInt64(p, true) as never],
  12: [Float64Array, (dv, p) => dv.getFloat64(p, true) as never],
};

function toNumber(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

interface TensorInfo {
  name: string;
  ne: number[];
  type: GgmlType;
  offset: number; // bytes, relative to the data area
  byteLength: number;
}

function parseHeader(u8: Uint8Array, fileSize: number): Omit<GgufFile, 'tensors'> & { infos: TensorInfo[] } {
  const c = new Cursor(u8, fileSize);
  c.need(4, 'magic');
  const magic = String.fromCharCode(u8[0], u8[1], u8[2], u8[3]);
  if (magic !== 'GGUF') throw badFile(`not a GGUF file (magic ${JSON.stringify(magic)})`);
  c.pos = 4;
  const version = c.u32('version');
  if (version === 1) throw badFile('GGUF version 1 is not supported (re-convert the file with a current tool)');
  if (version !== 2 && version !== 3)
    throw badFile(version >>> 24 === 2 || version >>> 24 === 3 ? 'big-endian GGUF files are not supported' : `unknown GGUF version ${version}`);
  const nTensors = c.count('tensor count');
  const nKv = c.count('metadata count');
  // Each key/value takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8 + 4 + 8 + 4 + 8.
  if (nKv * 13 > c.fileLeft) throw badFile(`metadata count ${nKv} is larger than the file can hold`);
  if (nTensors * 32 > c.fileLeft) throw badFile(`tensor count ${nTensors} is larger than the file can hold`);

  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < nKv; i++) {
    const key = c.string('metadata key');
    const type = c.u32(`metadata ${key} type`);
    if (metadata.has(key)) throw badFile(`metadata key ${key} appears twice`);
    metadata.set(key, c.value(type, `metadata ${key}`, 0));
  }
  let alignment = 32;
  if (metadata.has('general.alignment')) {
    const a = metadata.get('general.alignment');
    if (typeof a !== 'number' || !Number.isInteger(a) || a <= 0 || a > 65536 || (a & (a - 1)) !== 0)
      throw badFile(`general.alignment ${String(a)} is not a power of two`);
    alignment = a;
  }

  const infos: TensorInfo[] = [];
  const names = new Set<string>();
  for (let i = 0; i < nTensors; i++) {
    const name = c.string('tensor name');
    if (names.has(name)) throw badFile(`tensor ${name} appears twice`);
    names.add(name);
    const nDims = c.u32(`tensor ${name} dimension count`);
    if (nDims > GGML_MAX_DIMS) throw badFile(`tensor ${name} has ${nDims} dimensions (at most ${GGML_MAX_DIMS})`);
    const ne: number[] = [];
    for (let d = 0; d < nDims; d++) ne.push(c.count(`tensor ${name} dimension`));
    const typeId = c.u32(`tensor ${name} type`);
    const type = GGML_TYPES.get(typeId);
    if (!type) throw badFile(`tensor ${name} has unknown ggml type ${typeId}`);
    const offset = c.count(`tensor ${name} offset`);
    if (offset % alignment !== 0) throw badFile(`tensor ${name} offset ${offset} is not aligned to ${alignment}`);
    const inner = ne.length > 0 ? ne[0] : 1;
    if (inner % type.blockSize !== 0) throw badFile(`tensor ${name}: innermost dimension ${inner} is not a multiple of the ${type.name} block (${type.blockSize})`);
    let byteLength = (inner / type.blockSize) * type.typeSize;
    for (let d = 1; d < ne.length; d++) {
      byteLength *= ne[d];
      if (byteLength > fileSize) break; // bounded: the data check below rejects it
    }
    if (ne.includes(0)) byteLength = 0;
    infos.push({ name, ne, type, offset, byteLength });
  }
  const headerEnd = c.pos;
  const dataOffset = Math.ceil(headerEnd / alignment) * alignment;
  const dataSize = fileSize - dataOffset; // bytes
  for (const t of infos) {
    if (t.offset + t.byteLength > dataSize)
      throw badFile(`tensor ${t.name} (${t.type.name} [${t.ne.join(', ')}]) runs past the end of the file`);
  }
  const sorted = [...infos].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].offset < prev.offset + prev.byteLength && sorted[i].byteLength > 0) throw badFile(`tensors ${prev.name} and ${sorted[i].name} overlap`);
  }
  return { version, metadata, alignment, dataOffset, headerBytes: headerEnd, infos };
}

/** Parses a GGUF header from `src` and returns raw tensor locations (PyTorch-order shapes). */
export async function parseGguf(src: ByteSource): Promise<GgufFile> {
  let want = Math.min(src.size, FIRST_READ_BYTES);
  for (;;) {
    const prefix = await readRange(src, 0, want);
    try {
      const h = parseHeader(prefix, src.size);
      const tensors: RawTensor[] = h.infos.map((t) => ({
        name: t.name,
        dtype: t.type.name,
        shape: [...t.ne].reverse(),
        offset: h.dataOffset + t.offset,
        byteLength: t.byteLength,
        source: src,
      }));
      return { version: h.version, metadata: h.metadata, alignment: h.alignment, dataOffset: h.dataOffset, headerBytes: h.headerBytes, tensors };
    } catch (err) {
      if (!(err instanceof NeedMore)) throw err;
      if (want >= MAX_GGUF_HEADER_BYTES) throw badFile(`GGUF header is larger than ${MAX_GGUF_HEADER_BYTES} bytes`);
      want = Math.min(src.size, MAX_GGUF_HEADER_BYTES, Math.max(want * 2, err.atLeast));
    }
  }
}

/** A metadata value as a string, for display (arrays summarised). */
export function describeGgufValue(v: GgufValue): string {
  if (ArrayBuffer.isView(v)) {
    const head = Array.from(v.subarray(0, 3) as ArrayLike<number | bigint>, String);
    return `[${v.length} items${v.length ? `: ${head.join(', ')}${v.length > 3 ? ', ...' : ''}` : ''}]`;
  }
  if (Array.isArray(v)) return `[${v.length} items${v.length ? `: ${v.slice(0, 3).map(describeGgufValue).join(', ')}${v.length > 3 ? ', ...' : ''}` : ''}]`;
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  return String(v);
}
