// Writes a .safetensors file (8-byte header length, JSON header, packed data) from named float arrays, storing
// each tensor as F32, F16 or BF16. Used by the self-test model generator and by tests that need model files.
import { f32ToF16Bits } from '../src/lib/f16.ts';

export type StoredDType = 'F32' | 'F16' | 'BF16';
export interface WriteTensor {
  name: string;
  shape: number[];
  data: Float32Array;
  dtype: StoredDType;
}

function encode(t: WriteTensor): Uint8Array {
  if (t.dtype === 'F32') return new Uint8Array(t.data.buffer.slice(t.data.byteOffset, t.data.byteOffset + t.data.byteLength));
  const out = new Uint16Array(t.data.length);
  if (t.dtype === 'F16') for (let i = 0; i < out.length; i++) out[i] = f32ToF16Bits(t.data[i]);
  else {
    const u = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
    for (let i = 0; i < out.length; i++) {
      const x = u[i];
      out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16; // round to nearest even
    }
  }
  return new Uint8Array(out.buffer);
}

export function writeSafetensors(tensors: WriteTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`${t.name}: ${t.data.length} values for shape [${t.shape}]`);
    const bytes = encode(t);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    blobs.push(bytes);
    offset += bytes.byteLength;
  }
  return safetensorsFile(JSON.stringify(header), blobs);
}

/** The file around a header text: u64 header length, the text space-padded to 8 bytes, the data blobs in order. */
export function safetensorsFile(headerText: string, blobs: Uint8Array[] = []): Uint8Array {
  let json = new TextEncoder().encode(headerText);
  const pad = (8 - (json.byteLength % 8)) % 8; // the data area starts 8-aligned
  if (pad) json = new Uint8Array([...json, ...new Array<number>(pad).fill(0x20)]);
  const dataLen = blobs.reduce((a, d) => a + d.byteLength, 0);
  const out = new Uint8Array(8 + json.byteLength + dataLen);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  let o = 8 + json.byteLength;
  for (const b of blobs) {
    out.set(b, o);
    o += b.byteLength;
  }
  return out;
}
