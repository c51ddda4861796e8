// Small model-file writers for tests: safetensors and GGUF from named tensors, written the way the format specs say
// (independently of the readers under test), plus the golden folder lookup.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { StudioError } from '../../src/lib/errors.ts';
import { f32ToF16Bits } from '../../src/lib/f16.ts';
import { safetensorsFile } from '../../tools/safetensorsWriter.ts';
import { goldenDir } from '../goldenDir.ts';

export { goldenDir };

export function goldenBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(resolve(goldenDir(), name)));
}

/** The message of the 'bad-model-file' StudioError that `p` must reject with. */
export async function badFileMessage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('bad-model-file');
    return (err as StudioError).message;
  }
  throw new Error('expected a bad-model-file error');
}

export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

export function f16Bytes(values: ArrayLike<number>): Uint8Array {
  const h = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) h[i] = f32ToF16Bits(values[i]);
  return new Uint8Array(h.buffer);
}

/** bf16 by truncation (the test data is chosen to be exact in bf16 where it matters). */
export function bf16Bytes(values: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(values);
  const u = new Uint32Array(f.buffer);
  const h = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) h[i] = u[i] >>> 16;
  return new Uint8Array(h.buffer);
}

export interface StTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/** A safetensors file: u64 header length, JSON header (space-padded to 8), tensors back to back in the given order. */
export function buildSafetensors(tensors: StTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let off = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  return buildSafetensorsRaw(JSON.stringify(header), tensors.map((t) => t.data));
}

/** A safetensors file from a literal header text (for malformed-header tests). */
export function buildSafetensorsRaw(headerText: string, datas: Uint8Array[] = []): Uint8Array {
  return safetensorsFile(headerText, datas);
}

/** GGUF metadata value: [type id, value]; arrays: [9, [elemType, values[]]]. */
export type KvValue = [number, unknown];

export interface GgTensor {
  name: string;
  type: number; // ggml type id
  ne: number[]; // innermost first
  data: Uint8Array;
}

class Writer {
  private bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  raw(b: ArrayLike<number>): void {
    for (let i = 0; i < b.length; i++) this.bytes.push(b[i]);
  }
  num(v: number | bigint, size: number, kind: 'u' | 'i' | 'f'): void {
    const dv = new DataView(new ArrayBuffer(size));
    const setters: Record<string, () => void> = {
      f4: () => dv.setFloat32(0, Number(v), true),
      f8: () => dv.setFloat64(0, Number(v), true),
      u8: () => dv.setBigUint64(0, BigInt(v), true),
      i8: () => dv.setBigInt64(0, BigInt(v), true),
      u4: () => dv.setUint32(0, Number(v), true),
      i4: () => dv.setInt32(0, Number(v), true),
      u2: () => dv.setUint16(0, Number(v), true),
      i2: () => dv.setInt16(0, Number(v), true),
      u1: () => dv.setUint8(0, Number(v)),
      i1: () => dv.setInt8(0, Number(v)),
    };
    setters[`${kind}${size}`]();
    this.raw(new Uint8Array(dv.buffer));
  }
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.num(b.length, 8, 'u');
    this.raw(b);
  }
  value(type: number, v: unknown): void {
    const spec: Record<number, [number, 'u' | 'i' | 'f']> = { 0: [1, 'u'], 1: [1, 'i'], 2: [2, 'u'], 3: [2, 'i'], 4: [4, 'u'], 5: [4, 'i'], 6: [4, 'f'], 10: [8, 'u'], 11: [8, 'i'], 12: [8, 'f'] };
    if (type === 7) this.u8(v ? 1 : 0);
    else if (type === 8) this.str(v as string);
    else if (type === 9) {
      const [et, items] = v as [number, unknown[]];
      this.num(et, 4, 'u');
      this.num(items.length, 8, 'u');
      for (const it of items) this.value(et, it);
    } else this.num(v as number, spec[type][0], spec[type][1]);
  }
  get length(): number {
    return this.bytes.length;
  }
  pad(align: number): void {
    while (this.bytes.length % align) this.bytes.push(0);
  }
  done(): Uint8Array {
    return new Uint8Array(this.bytes);
  }
}

/** A GGUF file (little-endian). Tensors are laid out in order, each aligned; `alignment` also goes in metadata if set. */
export function buildGguf(opts: { version?: number; kv?: [string, KvValue][]; tensors: GgTensor[]; alignment?: number }): Uint8Array {
  const align = opts.alignment ?? 32;
  const kv: [string, KvValue][] = [...(opts.kv ?? [])];
  if (opts.alignment !== undefined) kv.push(['general.alignment', [4, opts.alignment]]);
  const w = new Writer();
  w.raw([0x47, 0x47, 0x55, 0x46]);
  w.num(opts.version ?? 3, 4, 'u');
  w.num(opts.tensors.length, 8, 'u');
  w.num(kv.length, 8, 'u');
  for (const [k, [type, v]] of kv) {
    w.str(k);
    w.num(type, 4, 'u');
    w.value(type, v);
  }
  let off = 0;
  const offsets: number[] = [];
  for (const t of opts.tensors) {
    offsets.push(off);
    off += Math.ceil(t.data.byteLength / align) * align;
  }
  opts.tensors.forEach((t, i) => {
    w.str(t.name);
    w.num(t.ne.length, 4, 'u');
    for (const d of t.ne) w.num(d, 8, 'u');
    w.num(t.type, 4, 'u');
    w.num(offsets[i], 8, 'u');
  });
  w.pad(align);
  for (const t of opts.tensors) {
    w.raw(t.data);
    w.pad(align);
  }
  return w.done();
}

/** A copy of `bytes` with a little-endian u64 written at `at` (for hostile-header tests). */
export function setU64(bytes: Uint8Array, at: number, v: bigint): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(at, v, true);
  return out;
}

/**
 * Splits a safetensors file into `parts` shard files by tensor (header order), each a complete safetensors file with
 * its own header, as diffusers writes "-00001-of-0000N" shards. Reads the header itself, not through the reader.
 */
export function splitSafetensors(bytes: Uint8Array, parts: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const data = bytes.subarray(8 + headerLen);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const per = Math.ceil(names.length / parts);
  const out: Uint8Array[] = [];
  for (let p = 0; p < parts; p++) {
    const h: Record<string, unknown> = {};
    const blobs: Uint8Array[] = [];
    let off = 0;
    for (const name of names.slice(p * per, (p + 1) * per)) {
      const { dtype, shape, data_offsets: [b, e] } = header[name];
      h[name] = { dtype, shape, data_offsets: [off, off + e - b] };
      blobs.push(data.subarray(b, e));
      off += e - b;
    }
    out.push(safetensorsFile(JSON.stringify(h), blobs));
  }
  return out;
}
