import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src/lib/errors.ts';
import { openShardedSafetensors, parseSafetensors, parseShardIndex } from '../../src/weights/safetensors.ts';
import { BlobSource, BytesSource, readRange } from '../../src/weights/source.ts';
import { openModelFile, openShardedModel } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY, KEEP_POLICY } from '../../src/weights/policy.ts';
import { NodeFileSource } from '../../tools/nodeSource.ts';
import { badFileMessage, bf16Bytes, buildSafetensors, buildSafetensorsRaw, f16Bytes, f32Bytes, setU64 } from './builders.ts';

const src = (b: Uint8Array): BytesSource => new BytesSource(b);

function sample(): Uint8Array {
  const i64 = new BigInt64Array([5n, -7n]);
  return buildSafetensors(
    [
      { name: 'a', dtype: 'F32', shape: [2, 3], data: f32Bytes([1, 2, 3, 4, 5, -6]) },
      { name: 'h', dtype: 'F16', shape: [3], data: f16Bytes([0.5, -2, 65504]) },
      { name: 'b', dtype: 'BF16', shape: [2], data: bf16Bytes([1.5, -3]) },
      { name: 'ids', dtype: 'I32', shape: [3], data: new Uint8Array(new Int32Array([151644, 872, -1]).buffer) },
      { name: 'big', dtype: 'I64', shape: [2], data: new Uint8Array(i64.buffer) },
      { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Uint8Array(0) },
    ],
    { format: 'pt' },
  );
}

describe('safetensors reader', () => {
  it('parses dtypes, shapes, offsets and metadata', async () => {
    const file = await parseSafetensors(src(sample()));
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['a', 'F32', [2, 3]], ['h', 'F16', [3]], ['b', 'BF16', [2]], ['ids', 'I32', [3]], ['big', 'I64', [2]], ['empty', 'F32', [0, 4]],
    ]);
    expect(file.tensors[0].offset).toBe(file.dataOffset);
    expect(file.tensors[1].offset).toBe(file.dataOffset + 24);
  });

  it('loads F32, F16, BF16, I32 and I64 values exactly', async () => {
    const m = await openModelFile(src(sample()));
    expect(m.network).toBe('unknown');
    expect(Array.from(((await m.loadTensor('a', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, 5, -6]);
    expect(Array.from(((await m.loadTensor('h', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([0.5, -2, 65504]);
    expect(Array.from(((await m.loadTensor('b', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([1.5, -3]);
    const ids = await m.loadTensor('ids');
    expect(ids.kind).toBe('i32');
    expect(Array.from((ids as { data: Int32Array }).data)).toEqual([151644, 872, -1]);
    expect(Array.from(((await m.loadTensor('big')) as { data: Int32Array }).data)).toEqual([5, -7]);
    expect(((await m.loadTensor('empty')) as { data: Float32Array }).data.length).toBe(0);
    // unknown-network tensors are 'precise': f32 whatever the policy
    expect((await m.loadTensor('h', KEEP_POLICY)).kind).toBe('f32');
  });

  const cases: [string, () => Uint8Array, RegExp][] = [
    ['tiny file', () => new Uint8Array(5), /too small/],
    ['absurd header length', () => setU64(sample(), 0, 1n << 60n), /exceeds/],
    ['header past the end', () => setU64(sample(), 0, 4000n), /past the end/],
    ['bad JSON', () => buildSafetensorsRaw('{"a": '), /not valid JSON/],
    ['not an object', () => buildSafetensorsRaw('[1,2]'), /not a JSON object/],
    ['bad UTF-8', () => { const b = buildSafetensorsRaw('{"\u00e9":1}'); b[10] = 0xff; return b; }, /UTF-8/],
    ['unknown dtype', () => buildSafetensorsRaw('{"x":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}}', [new Uint8Array(4)]), /unknown dtype/],
    ['shape / bytes mismatch', () => buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}', [new Uint8Array(8)]), /needs 8 bytes/],
    ['offsets past the end', () => buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', [new Uint8Array(8)]), /past the end of the data area/],
    ['reversed offsets', () => buildSafetensorsRaw('{"x":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', [new Uint8Array(8)]), /reversed/],
    ['overlap', () => buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', [new Uint8Array(12)]), /overlap/],
    ['negative dim', () => buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', [new Uint8Array(4)]), /invalid shape/],
    ['huge shape', () => buildSafetensorsRaw('{"x":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}', [new Uint8Array(4)]), /more than 2\^53 bytes/],
    ['missing dtype', () => buildSafetensorsRaw('{"x":{"shape":[1],"data_offsets":[0,4]}}', [new Uint8Array(4)]), /missing dtype/],
  ];
  for (const [label, make, re] of cases) {
    it(`rejects: ${label}`, async () => {
      expect(await badFileMessage(parseSafetensors(src(make())))).toMatch(re);
    });
  }

  it('knows but refuses to load other spec dtypes (F64, U8)', async () => {
    const b = buildSafetensors([
      { name: 'd', dtype: 'F64', shape: [1], data: new Uint8Array(8) },
      { name: 'u', dtype: 'U8', shape: [3], data: new Uint8Array(3) },
    ]);
    const m = await openModelFile(src(b));
    expect(m.bytesByDtype()).toEqual({ F64: 8, U8: 3 });
    expect(await badFileMessage(m.loadTensor('d'))).toMatch(/tensor d: unsupported dtype F64/);
    expect(await badFileMessage(m.loadTensor('nope'))).toMatch(/not in this/);
  });

  it('reads through Blob and Node file sources the same as bytes', async () => {
    const bytes = sample();
    const dir = mkdtempSync(join(tmpdir(), 'st-'));
    writeFileSync(join(dir, 'x.safetensors'), bytes);
    const node = await NodeFileSource.open(join(dir, 'x.safetensors'));
    try {
      for (const s of [new BlobSource(new Blob([bytes as Uint8Array<ArrayBuffer>])), node]) {
        const m = await openModelFile(s);
        expect(Array.from(((await m.loadTensor('a', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, 5, -6]);
        expect(Array.from(await readRange(s, 3, 5))).toEqual(Array.from(bytes.subarray(3, 8)));
        expect(await badFileMessage(readRange(s, bytes.length - 2, 4))).toMatch(/truncated/);
      }
    } finally {
      await node.close();
    }
  });
});

describe('sharded safetensors', () => {
  const shard1 = buildSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: f32Bytes([1, 2]) }]);
  const shard2 = buildSafetensors([{ name: 'y', dtype: 'BF16', shape: [1], data: bf16Bytes([4]) }]);
  const shard3 = buildSafetensors([
    { name: 'x', dtype: 'F32', shape: [1], data: f32Bytes([7]) },
    { name: 'y', dtype: 'F32', shape: [1], data: f32Bytes([8]) },
  ]);
  const files: Record<string, Uint8Array> = { 'm-1.safetensors': shard1, 'm-2.safetensors': shard2, 'm-3.safetensors': shard3 };
  const open = async (n: string): Promise<BytesSource> => {
    if (!files[n]) throw new StudioError('bad-model-file', `no shard ${n}`);
    return src(files[n]);
  };
  const index = (map: Record<string, string>): string => JSON.stringify({ metadata: { total_size: 10 }, weight_map: map });

  it('joins shards named by the index', async () => {
    const m = await openShardedModel(index({ x: 'm-1.safetensors', y: 'm-2.safetensors' }), open);
    expect([...m.tensors.keys()].sort()).toEqual(['x', 'y']);
    expect(m.header.shards).toBe(2);
    expect(Array.from(((await m.loadTensor('y', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([4]);
    expect(parseShardIndex(index({ x: 'm-1.safetensors' })).shards).toEqual(['m-1.safetensors']);
  });

  it('rejects sets that do not match their index', async () => {
    expect(await badFileMessage(openShardedSafetensors(index({ x: 'm-2.safetensors', y: 'm-2.safetensors' }), open))).toMatch(/x is listed in the index but missing from m-2/);
    expect(await badFileMessage(openShardedSafetensors(index({ x: 'm-1.safetensors', y: 'm-3.safetensors' }), open))).toMatch(/m-3.safetensors holds x, which the index places in m-1/);
    expect(await badFileMessage(openShardedSafetensors(index({ y: 'm-3.safetensors' }), open))).toMatch(/holds x, which the index does not list/);
    expect(await badFileMessage(openShardedSafetensors(index({ q: 'm-9.safetensors' }), open))).toMatch(/no shard m-9/);
    expect(await badFileMessage(openShardedSafetensors(index({ x: 'm-1.safetensors', y: 'm-2.safetensors', z: 'm-2.safetensors' }), open))).toMatch(/z is listed/);
    expect(await badFileMessage(openShardedSafetensors(index({ x: '../m-1.safetensors' }), open))).toMatch(/plain name/);
    expect(await badFileMessage(openShardedSafetensors('{"weight_map": 3}', open))).toMatch(/weight_map/);
    expect(await badFileMessage(openShardedSafetensors('nope', open))).toMatch(/JSON/);
  });
});
