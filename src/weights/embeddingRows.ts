// Rows of an embedding table read straight from its file: the Qwen3 token table (151936 x 2560, about 0.4 GB even
// as Q4_K) never goes to the GPU, only the rows a prompt uses, decoded from whatever dtype the file stores.
import { decodeFloatsInto, isQuantDtype } from './dtypes.ts';
import { dequantizeBlocksInto } from './ggmlDequant.ts';
import type { TensorInfo } from './modelFile.ts';
import { readRange } from './source.ts';

/**
 * A lookup of token rows from `info` (canonical shape (rows, width)), any stored dtype incl. GGUF blocks: one read
 * per distinct id, all in flight at once (a prompt is up to 512 rows from IndexedDB chunks). Out-of-range ids throw.
 */
export function embeddingRows(info: TensorInfo): (ids: Int32Array) => Promise<Float32Array> {
  const [rows, width] = info.shape; // (rows, width) elements
  const rowBytes = info.byteLength / rows; // bytes; a row is whole blocks for block dtypes (width % 256 == 0)
  return async (ids) => {
    for (const id of ids) if (id < 0 || id >= rows) throw new RangeError(`token id ${id} outside the embedding table (${rows} rows)`);
    const out = new Float32Array(ids.length * width); // (ids, width)
    const distinct = [...new Set(ids)];
    const rowsRead = new Map(await Promise.all(distinct.map(async (id) => [id, await readRange(info.source, info.offset + id * rowBytes, rowBytes)] as const)));
    ids.forEach((id, i) => {
      const bytes = rowsRead.get(id)!;
      if (isQuantDtype(info.dtype)) dequantizeBlocksInto(info.dtype, bytes, out, i * width);
      else decodeFloatsInto(info.dtype, bytes, out, i * width);
    });
    return out;
  };
}
