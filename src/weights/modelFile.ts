// The loader API the model layer calls: open a file (or a sharded set), see what it is, load tensors by canonical
// name in the precision the import policy asks for. Tensors are read lazily, in chunks of at most CHUNK_BYTES, so
// peak memory is the converted tensor plus one chunk. GGUF block matrices kept for the engine ('keep', 'q4', 'q8')
// are one read of their stored bytes: no per-value work on the CPU (the GPU kernels read ggml's blocks).
import type { GgmlBlockDType, QuantMatrix } from '../engine/formats.ts';
import { GGML_BLOCKS, ggmlBlockDType } from '../engine/formats.ts';
import { f32ToF16Bits } from '../lib/f16.ts';
import { StudioError } from '../lib/errors.ts';
import type { DetectReport } from './detect.ts';
import { compareToExpected, expectedShapes, sameGgmlShape } from './detect.ts';
import { decodeF16Bits, decodeFloatsInto, decodeInts, isLoadable, isQuantDtype } from './dtypes.ts';
import { dequantizeBlocksInto } from './ggmlDequant.ts';
import type { GgufValue } from './gguf.ts';
import { parseGguf } from './gguf.ts';
import type { Naming, Network } from './names.ts';
import { detectNaming, mapName, nameContext } from './names.ts';
import type { ImportPolicy, TensorRole } from './policy.ts';
import { DEFAULT_POLICY, formatFor, tensorRole } from './policy.ts';
import { QuantBuilder, quantizeRowsInto } from './quant.ts';
import { openShardedSafetensors, parseSafetensors } from './safetensors.ts';
import { storedKind } from './storedFormat.ts';
import type { ByteSource, RawTensor } from './source.ts';
import { badFile, numelOf, readRange } from './source.ts';

const CHUNK_BYTES = 16 * 1024 * 1024;

export type FileFormat = 'safetensors' | 'gguf';

/** A tensor under its canonical name: where its bytes are (a row slice for fused qkv) and its canonical shape. */
export interface TensorInfo {
  name: string; // canonical
  fileName: string; // as stored
  dtype: string; // as stored: 'F32', 'BF16', 'Q4_0', ...
  shape: number[]; // canonical, PyTorch order
  role: TensorRole;
  offset: number; // bytes, absolute in source
  byteLength: number;
  source: ByteSource;
}

export type LoadedTensor =
  | { kind: 'f32'; shape: number[]; data: Float32Array }
  | { kind: 'f16'; shape: number[]; data: Uint16Array } // IEEE half bits
  | { kind: 'quant'; shape: number[]; q: QuantMatrix } // rows = prod(shape[:-1]), cols = shape[-1]
  | { kind: 'blocks'; shape: number[]; dtype: GgmlBlockDType; bytes: Uint8Array } // GGUF block bytes as stored
  | { kind: 'i32'; shape: number[]; data: Int32Array };

export interface LoadOptions {
  /** Bytes read per step (default 16 MiB): bounds peak memory next to the output. */
  chunkBytes?: number;
}

export interface HeaderInfo {
  headerBytes: number;
  version?: number;
  alignment?: number;
  shards?: number;
}

export class ModelFile {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  readonly network: Network | 'unknown';
  readonly naming: Naming | 'unknown';
  /** File tensors deliberately left out (Comfy norm_final, Qwen3 LM head). */
  readonly ignored: string[] = [];
  /** Mapping trouble: two file tensors with one canonical name, fused tensors that do not split evenly. */
  readonly mappingProblems: string[] = [];

  constructor(
    readonly format: FileFormat,
    readonly raw: readonly RawTensor[],
    /** safetensors __metadata__ (strings) or GGUF key/values. */
    readonly metadata: ReadonlyMap<string, GgufValue>,
    /** Container facts for display: header size, GGUF version and alignment, shard count. */
    readonly header: HeaderInfo = { headerBytes: 0 },
  ) {
    const arch = metadata.get('general.architecture');
    const names = raw.map((t) => t.name);
    const found = detectNaming(names, typeof arch === 'string' ? arch : undefined);
    this.network = found?.network ?? 'unknown';
    this.naming = found?.naming ?? 'unknown';
    const tensors = new Map<string, TensorInfo>();
    const ctx = nameContext(names);
    for (const t of raw) {
      const targets = found ? mapName(found.network, t.name, ctx).targets : [{ canonical: t.name }];
      if (targets.length === 0) this.ignored.push(t.name);
      for (const target of targets) {
        let { shape, offset, byteLength } = t;
        if (target.split) {
          const { index, parts } = target.split;
          if (shape.length < 1 || shape[0] % parts !== 0) {
            this.mappingProblems.push(`${t.name} [${shape.join(', ')}] does not split into ${parts} equal row blocks`);
            continue;
          }
          byteLength = t.byteLength / parts;
          offset = t.offset + index * byteLength;
          shape = [shape[0] / parts, ...shape.slice(1)];
        }
        if (target.squeeze) while (shape.length > 2 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
        if (tensors.has(target.canonical)) {
          this.mappingProblems.push(`${t.name} duplicates ${tensors.get(target.canonical)!.fileName} (both are ${target.canonical})`);
          continue;
        }
        const role = tensorRole(this.network, target.canonical);
        tensors.set(target.canonical, { name: target.canonical, fileName: t.name, dtype: t.dtype, shape, role, offset, byteLength, source: t.source });
      }
    }
    if (format === 'gguf' && found) restoreGgmlDims(found.network, tensors);
    this.tensors = tensors;
  }

  /** What the file is, the dims its shapes measure, and every missing / unexpected / mis-shaped tensor. */
  detect(): DetectReport {
    const base = { network: this.network, naming: this.naming, ignored: [...this.ignored] };
    if (this.network === 'unknown')
      return { ...base, dims: null, missing: [], unexpected: [...this.tensors.keys()], misshaped: [], problems: ['not a Z-Image DiT, FLUX VAE or Qwen3 file'], ok: false };
    const shapes = new Map([...this.tensors].map(([k, t]) => [k, t.shape]));
    const r = compareToExpected(this.network, shapes);
    const problems = [...this.mappingProblems, ...r.problems];
    const ok = r.dims !== null && r.missing.length === 0 && r.unexpected.length === 0 && r.misshaped.length === 0 && problems.length === 0;
    return { ...base, ...r, problems, ok };
  }

  /** Bytes stored per file dtype. */
  bytesByDtype(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.raw) out[t.dtype] = (out[t.dtype] ?? 0) + t.byteLength;
    return out;
  }

  /** One tensor by canonical name, converted as `policy` says for its role (policy.ts). */
  async loadTensor(name: string, policy: ImportPolicy = DEFAULT_POLICY, opts: LoadOptions = {}): Promise<LoadedTensor> {
    const info = this.tensors.get(name);
    if (!info) throw new StudioError('bad-model-file', `tensor ${name} is not in this ${this.format} file`);
    try {
      return await loadInfo(info, formatFor(policy, info.role), opts.chunkBytes ?? CHUNK_BYTES);
    } catch (err) {
      if (err instanceof StudioError) throw new StudioError(err.code, `tensor ${name}: ${err.message}`);
      throw err;
    }
  }
}

/**
 * GGUF shapes by ggml's rule (detect.ts sameGgmlShape): a tensor that arrives without its leading size-1 dimensions
 * gets back the canonical shape the inferred config expects, so every later reader sees [1, 3840], not [3840].
 */
function restoreGgmlDims(network: Network, tensors: Map<string, TensorInfo>): void {
  const expected = expectedShapes(network, new Map([...tensors].map(([k, t]) => [k, t.shape])));
  if (!expected) return;
  for (const [name, t] of tensors) {
    const e = expected.get(name);
    if (e && e.length !== t.shape.length && sameGgmlShape(e, t.shape)) tensors.set(name, { ...t, shape: [...e] });
  }
}

/** Reads `rows` rows in chunks: fn(bytes, firstRow, rowCount). */
async function forRowChunks(info: TensorInfo, rows: number, chunkBytes: number, fn: (bytes: Uint8Array, row0: number, n: number) => void): Promise<void> {
  const rowBytes = rows > 0 ? info.byteLength / rows : 0;
  const per = Math.max(1, Math.floor(chunkBytes / Math.max(1, rowBytes)));
  for (let r = 0; r < rows; r += per) {
    const n = Math.min(per, rows - r);
    fn(await readRange(info.source, info.offset + r * rowBytes, n * rowBytes), r, n);
  }
}

async function loadInfo(info: TensorInfo, wanted: ReturnType<typeof formatFor>, chunkBytes: number): Promise<LoadedTensor> {
  const { dtype } = info;
  const shape = [...info.shape];
  const numel = numelOf(shape);
  // The one decision the memory plan weighs by too (storedFormat.ts).
  const kind = storedKind(dtype, shape, wanted);
  if (kind === 'i32') return { kind: 'i32', shape, data: decodeInts(dtype, await readRange(info.source, info.offset, info.byteLength)) };
  if (!isLoadable(dtype)) throw badFile(`unsupported dtype ${dtype}`);
  const cols = shape.length > 0 ? shape[shape.length - 1] : 1;
  const rows = cols > 0 ? numel / cols : 0;
  const block = isQuantDtype(dtype);

  // GGUF blocks stay as published: one read of the stored bytes, no per-value work (the GPU kernels decode them).
  if (kind === 'blocks') {
    const blockType = ggmlBlockDType(dtype);
    if (!blockType) throw badFile(`unsupported dtype ${dtype}`);
    const { blockSize, typeSize } = GGML_BLOCKS[blockType];
    if (info.byteLength !== (numel / blockSize) * typeSize) throw badFile(`${dtype} [${shape}] needs ${(numel / blockSize) * typeSize} bytes, the file has ${info.byteLength}`);
    return { kind: 'blocks', shape, dtype: blockType, bytes: await readRange(info.source, info.offset, info.byteLength) };
  }
  if (kind === 'q4' || kind === 'q8') {
    const b = new QuantBuilder(kind, rows, cols);
    await forRowChunks(info, rows, chunkBytes, (bytes, r0, n) => {
      const vals = new Float32Array(n * cols);
      decodeFloatsInto(dtype, bytes, vals, 0);
      quantizeRowsInto(b, vals, r0);
    });
    return { kind: 'quant', shape, q: b.finish('auto') };
  }
  if (dtype === 'F16' && kind === 'f16') return { kind: 'f16', shape, data: decodeF16Bits(await readRange(info.source, info.offset, info.byteLength)) };

  const data = new Float32Array(numel); // exact f32 of the stored values
  const elemsPerRow = rows > 0 ? cols : 0;
  const decode = (bytes: Uint8Array, r0: number): void => {
    if (block) dequantizeBlocksInto(dtype, bytes, data, r0 * elemsPerRow);
    else decodeFloatsInto(dtype, bytes, data, r0 * elemsPerRow);
  };
  if (rows > 0) await forRowChunks(info, rows, chunkBytes, decode);
  if (kind !== 'f16') return { kind: 'f32', shape, data };
  const half = new Uint16Array(numel);
  for (let i = 0; i < numel; i++) half[i] = f32ToF16Bits(data[i]);
  return { kind: 'f16', shape, data: half };
}

function metadataMap(meta: Record<string, string>): Map<string, GgufValue> {
  return new Map(Object.entries(meta));
}

/** Opens one .safetensors or .gguf file (sniffed from its first bytes). */
export async function openModelFile(source: ByteSource): Promise<ModelFile> {
  if (source.size < 8) throw badFile(`file is too small to be a model file (${source.size} bytes)`);
  const head = await readRange(source, 0, Math.min(9, source.size));
  if (head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) {
    const g = await parseGguf(source);
    return new ModelFile('gguf', g.tensors, g.metadata, { headerBytes: g.headerBytes, version: g.version, alignment: g.alignment });
  }
  if (head.length < 9 || head[8] !== 0x7b) throw badFile('not a GGUF or safetensors file (no GGUF magic and no JSON header)');
  const s = await parseSafetensors(source);
  return new ModelFile('safetensors', s.tensors, metadataMap(s.metadata), { headerBytes: s.headerBytes });
}

/** Opens a sharded safetensors set from its index JSON; `openShard` resolves a shard file name to its bytes. */
export async function openShardedModel(indexJson: string, openShard: (fileName: string) => Promise<ByteSource>): Promise<ModelFile> {
  const s = await openShardedSafetensors(indexJson, openShard);
  return new ModelFile('safetensors', s.tensors, metadataMap(s.metadata), { headerBytes: s.headerBytes, shards: s.index.shards.length });
}

/**
 * Joins safetensors shards without their index JSON (a diffusers folder downloaded file by file): every shard's own
 * header lists its tensors, so the union is the model. A tensor named in two shards is a bad set.
 */
export async function openShardFiles(sources: ByteSource[]): Promise<ModelFile> {
  if (sources.length === 1) return openModelFile(sources[0]);
  const raw: RawTensor[] = [];
  const seen = new Set<string>();
  let headerBytes = 0;
  const metadata = new Map<string, GgufValue>();
  for (const src of sources) {
    const head = await readRange(src, 0, Math.min(9, src.size));
    if (head.length < 9 || head[8] !== 0x7b) throw badFile(`${src.name ?? 'a shard'} is not a safetensors file; only safetensors shards can be joined`);
    let s: Awaited<ReturnType<typeof parseSafetensors>>;
    try {
      s = await parseSafetensors(src);
    } catch (err) {
      // Say which shard is bad: the caller names the set of shards, not each one.
      if (err instanceof StudioError && src.name) throw new StudioError(err.code, `${src.name}: ${err.message}`);
      throw err;
    }
    for (const t of s.tensors) {
      if (seen.has(t.name)) throw badFile(`tensor ${t.name} appears in two shards`);
      seen.add(t.name);
      raw.push(t);
    }
    for (const [k, v] of Object.entries(s.metadata)) metadata.set(k, v);
    headerBytes += s.headerBytes;
  }
  return new ModelFile('safetensors', raw, metadata, { headerBytes, shards: sources.length });
}
