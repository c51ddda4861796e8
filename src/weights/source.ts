// Byte sources: where model-file bytes come from. Readers ask for ranges, never for a whole file, so a multi-GB
// model is read header first and then one tensor (or one chunk of a tensor) at a time.
//
// Implementations here are pure (browser worker and Node): a Blob / File (IndexedDB chunks, <input type=file>) and a
// Uint8Array (tests, small embedded models). The Node file-handle source lives in tools/ (node: imports stay there).
import { StudioError } from '../lib/errors.ts';

export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes starting at `offset` (bytes); rejects if the range is not inside [0, size). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** A name for messages (file name), optional. */
  readonly name?: string;
}

/** The one error readers throw for anything wrong with a file's bytes: typed, one sentence, no stack needed. */
export function badFile(problem: string): StudioError {
  return new StudioError('bad-model-file', problem);
}

/** Throws a typed bad-file error unless [offset, offset + length) is a valid range of a `size`-byte file. */
export function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
    throw badFile(`invalid read range (offset ${offset}, length ${length})`);
  if (offset + length > size) throw badFile(`file is truncated: needs bytes up to ${offset + length} but has ${size}`);
}

/** A source over bytes already in memory (a view: no copy). */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly name?: string,
  ) {
    this.size = bytes.byteLength;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}

/** A source over a Blob or File: each read is one `slice().arrayBuffer()`, so only the range is materialised. */
export class BlobSource implements ByteSource {
  readonly size: number;
  readonly name?: string;
  constructor(
    private readonly blob: Blob,
    name?: string,
  ) {
    this.size = blob.size;
    this.name = name ?? (typeof File !== 'undefined' && blob instanceof File ? blob.name : undefined);
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const buf = await this.blob.slice(offset, offset + length).arrayBuffer();
    if (buf.byteLength !== length) throw badFile(`short read: asked ${length} bytes at ${offset}, got ${buf.byteLength}`);
    return new Uint8Array(buf);
  }
}

/** Reads a range, checking it against the source size first (so a lying header never reaches the source). */
export async function readRange(src: ByteSource, offset: number, length: number): Promise<Uint8Array> {
  checkRange(src.size, offset, length);
  const out = await src.read(offset, length);
  if (out.byteLength !== length) throw badFile(`short read: asked ${length} bytes at ${offset}, got ${out.byteLength}`);
  return out;
}

/** A DataView over exactly the bytes of `u8` (views may start mid-buffer). */
export function viewOf(u8: Uint8Array): DataView {
  return new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** One tensor's bytes as a file stores them: where they are, their element type and shape. */
export interface RawTensor {
  /** The name in the file. */
  name: string;
  /** File element type: 'F32', 'F16', 'BF16', 'I32', 'I64', ..., or a ggml type name ('Q4_0', 'Q6_K', ...). */
  dtype: string;
  /** Outermost dimension first (PyTorch order). GGUF's ne[] is reversed into this order by the reader. */
  shape: number[];
  offset: number; // bytes, absolute in `source`
  byteLength: number; // bytes
  source: ByteSource;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
