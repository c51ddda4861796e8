// safetensors reader: an 8-byte little-endian header length, a JSON header, then the data area.
// Header: { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, "__metadata__": {str: str} }
// with offsets relative to the start of the data area.
//
// Everything in the header is checked before anything is allocated from it: the header length is bounded (by
// MAX_HEADER_BYTES and by the file), every offset lies inside the data area, tensors do not overlap, and
// numel(shape) * bytes(dtype) equals the byte range. Only then are tensors read, lazily, one range at a time.
// Sharded sets (model-00001-of-00003.safetensors + model.safetensors.index.json) are joined by openShardedSafetensors.
import { SAFETENSORS_DTYPE_BYTES } from './dtypes.ts';
import type { ByteSource, RawTensor } from './source.ts';
import { badFile, readRange, viewOf } from './source.ts';

/** The real Z-Image files have headers under 100 kB; 100 MB allows huge vocabularies of metadata, no more. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsFile {
  tensors: RawTensor[];
  metadata: Record<string, string>;
  headerBytes: number; // bytes of the JSON header
  dataOffset: number; // bytes: where the data area starts (8 + headerBytes)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkDim(name: string, d: unknown): number {
  if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw badFile(`tensor ${name}: invalid shape entry ${JSON.stringify(d)}`);
  return d;
}

/** Parses and validates a safetensors header, returning raw tensor locations in `src`. */
export async function parseSafetensors(src: ByteSource): Promise<SafetensorsFile> {
  if (src.size < 8) throw badFile(`file is too small to be safetensors (${src.size} bytes)`);
  const lenBytes = viewOf(await readRange(src, 0, 8));
  const headerLen = Number(lenBytes.getBigUint64(0, true)); // exact below 2^53, and larger values fail the bounds
  if (headerLen < 2) throw badFile(`safetensors header length ${headerLen} is too small`);
  if (headerLen > MAX_HEADER_BYTES) throw badFile(`safetensors header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (headerLen > src.size - 8) throw badFile(`safetensors header length ${headerLen} runs past the end of the file (${src.size} bytes)`);
  const headerRaw = await readRange(src, 8, headerLen);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerRaw);
  } catch {
    throw badFile('safetensors header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw badFile(`safetensors header is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(header)) throw badFile('safetensors header is not a JSON object');

  const dataOffset = 8 + headerLen;
  const dataSize = src.size - dataOffset; // bytes
  const metadata: Record<string, string> = {};
  const tensors: RawTensor[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry)) throw badFile('safetensors __metadata__ is not an object');
      for (const [k, v] of Object.entries(entry)) if (typeof v === 'string') metadata[k] = v;
      continue;
    }
    if (!isPlainObject(entry)) throw badFile(`tensor ${name}: header entry is not an object`);
    const { dtype, shape, data_offsets: offs } = entry;
    if (typeof dtype !== 'string') throw badFile(`tensor ${name}: missing dtype`);
    const elemBytes = SAFETENSORS_DTYPE_BYTES[dtype];
    if (elemBytes === undefined) throw badFile(`tensor ${name}: unknown dtype ${JSON.stringify(dtype).slice(0, 40)}`);
    if (!Array.isArray(shape) || shape.length > 8) throw badFile(`tensor ${name}: invalid shape`);
    const dims = shape.map((d) => checkDim(name, d));
    if (!Array.isArray(offs) || offs.length !== 2) throw badFile(`tensor ${name}: invalid data_offsets`);
    const begin = checkDim(name, offs[0]);
    const end = checkDim(name, offs[1]);
    if (begin > end) throw badFile(`tensor ${name}: data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataSize) throw badFile(`tensor ${name}: data ends at ${end}, past the end of the data area (${dataSize} bytes)`);
    let bytes = elemBytes; // a double: a huge shape overflows to a huge number, never to a wrong small one
    for (const d of dims) bytes *= d;
    if (bytes !== end - begin)
      throw badFile(`tensor ${name}: ${dtype} shape [${dims.join(', ')}] needs ${Number.isSafeInteger(bytes) ? bytes : 'more than 2^53'} bytes but data_offsets give ${end - begin}`);
    tensors.push({ name, dtype, shape: dims, offset: dataOffset + begin, byteLength: end - begin, source: src });
  }
  const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (sorted[i].offset < prev.offset + prev.byteLength && sorted[i].byteLength > 0 && prev.byteLength > 0)
      throw badFile(`tensors ${prev.name} and ${sorted[i].name} overlap`);
  }
  return { tensors, metadata, headerBytes: headerLen, dataOffset };
}

/** `*.safetensors.index.json`: which shard file holds each tensor. */
export interface ShardIndex {
  weightMap: Map<string, string>; // tensor name -> shard file name
  shards: string[]; // distinct shard file names, in first-seen order
  metadata: Record<string, unknown>;
}

export function parseShardIndex(json: string): ShardIndex {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw badFile(`shard index is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(doc) || !isPlainObject(doc.weight_map)) throw badFile('shard index has no weight_map object');
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, file] of Object.entries(doc.weight_map)) {
    if (typeof file !== 'string' || file.length === 0) throw badFile(`shard index: tensor ${name} has no file name`);
    if (file.includes('/') || file.includes('\\') || file === '..') throw badFile(`shard index: file name ${JSON.stringify(file)} is not a plain name`);
    weightMap.set(name, file);
    if (!shards.includes(file)) shards.push(file);
  }
  return { weightMap, shards, metadata: isPlainObject(doc.metadata) ? doc.metadata : {} };
}

/**
 * Opens every shard named by an index and joins their tensors. Each tensor must be in the shard the index names;
 * a tensor the index does not list, or listed twice, is a file problem (a mismatched or mixed set).
 */
export async function openShardedSafetensors(indexJson: string, openShard: (fileName: string) => Promise<ByteSource>): Promise<SafetensorsFile & { index: ShardIndex }> {
  const index = parseShardIndex(indexJson);
  const tensors: RawTensor[] = [];
  const metadata: Record<string, string> = {};
  let headerBytes = 0;
  const seen = new Set<string>();
  for (const shard of index.shards) {
    const file = await parseSafetensors(await openShard(shard));
    headerBytes += file.headerBytes;
    Object.assign(metadata, file.metadata);
    for (const t of file.tensors) {
      const listed = index.weightMap.get(t.name);
      if (listed === undefined) throw badFile(`shard ${shard} holds ${t.name}, which the index does not list`);
      if (listed !== shard) throw badFile(`shard ${shard} holds ${t.name}, which the index places in ${listed}`);
      if (seen.has(t.name)) throw badFile(`tensor ${t.name} appears twice in the set`);
      seen.add(t.name);
      tensors.push(t);
    }
  }
  for (const name of index.weightMap.keys()) if (!seen.has(name)) throw badFile(`tensor ${name} is listed in the index but missing from ${index.weightMap.get(name)}`);
  return { tensors, metadata, headerBytes, dataOffset: 0, index };
}
