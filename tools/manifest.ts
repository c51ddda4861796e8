// The structure manifests of published model files (../shared/realfiles, README there; the recommended set's three
// are bundled in tools/published/): their types, and a header-only ModelFile built from one, so the planner, the
// name maps and detection see the published file exactly as a reader of its header would, with no bytes at all.
import { readFile } from 'node:fs/promises';
import { GGML_TYPE_BY_NAME } from '../src/weights/dtypes.ts';
import type { GgufValue } from '../src/weights/gguf.ts';
import { ModelFile } from '../src/weights/modelFile.ts';
import type { ByteSource, RawTensor } from '../src/weights/source.ts';

/** A summarised GGUF array: `length` elements of GGUF type `array_of`, of which only the first few are recorded. */
export interface SummarisedArray {
  array_of: number;
  length: number;
  first: (string | number | boolean)[];
}
export type ManifestValue = string | number | boolean | SummarisedArray | (string | number | boolean)[];

export interface GgufManifest {
  file: string;
  size: number; // bytes
  format: 'gguf';
  version: number;
  alignment: number; // bytes
  data_offset: number; // bytes: start of the data section
  metadata: Record<string, ManifestValue>;
  tensors: { name: string; type: string; ggml_dims: number[]; offset: number }[]; // offset: bytes from data_offset
}

export interface SafetensorsManifest {
  file: string;
  size: number; // bytes
  format: 'safetensors';
  header_bytes: number; // bytes of JSON after the u64 length
  metadata: Record<string, string>;
  tensors: { name: string; type: string; shape: number[]; offsets: [number, number] }[]; // bytes within the data section
}

export type Manifest = GgufManifest | SafetensorsManifest;

export async function readManifest(path: string): Promise<Manifest> {
  const m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  if (m.format !== 'gguf' && m.format !== 'safetensors') throw new Error(`${path}: not a model file manifest`);
  return m;
}

/** Bytes of a GGUF tensor of `type` with ggml dims `ne` (innermost first). */
export function ggufTensorBytes(type: string, ne: readonly number[]): number {
  const t = GGML_TYPE_BY_NAME.get(type);
  if (!t) throw new Error(`unknown ggml type ${type}`);
  return ((ne[0] ?? 1) / t.blockSize) * t.typeSize * ne.slice(1).reduce((a, b) => a * b, 1);
}

/** A source of the right size that has no bytes: reading it is a bug in the caller. */
function headerOnly(m: Manifest): ByteSource {
  return { size: m.size, name: m.file, read: () => Promise.reject(new Error(`${m.file}: a manifest has no tensor data`)) };
}

/** The raw tensors a reader of the published file finds: names, types, PyTorch-order shapes, absolute offsets. */
export function manifestTensors(m: Manifest, source: ByteSource = headerOnly(m)): RawTensor[] {
  if (m.format === 'gguf')
    return m.tensors.map((t) => ({
      name: t.name,
      dtype: t.type,
      shape: [...t.ggml_dims].reverse(),
      offset: m.data_offset + t.offset,
      byteLength: ggufTensorBytes(t.type, t.ggml_dims),
      source,
    }));
  return m.tensors.map((t) => ({ name: t.name, dtype: t.type, shape: [...t.shape], offset: 8 + m.header_bytes + t.offsets[0], byteLength: t.offsets[1] - t.offsets[0], source }));
}

/** One ModelFile from the manifests of a file or of the shards of one network. */
export function manifestModelFile(ms: readonly Manifest[]): ModelFile {
  const format = ms[0].format;
  if (ms.some((m) => m.format !== format)) throw new Error('manifests of one network must share a format');
  const metadata = new Map<string, GgufValue>();
  for (const m of ms) for (const [k, v] of Object.entries(m.metadata ?? {})) if (typeof v !== 'object') metadata.set(k, v as GgufValue);
  const raw = ms.flatMap((m) => manifestTensors(m));
  return new ModelFile(format, raw, metadata, { headerBytes: 0 });
}
