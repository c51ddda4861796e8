import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src/lib/errors.ts';
import { openShardFiles } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { writeSafetensors } from '../../tools/safetensorsWriter.ts';

const t = (name: string, n: number, v: number) => ({ name, shape: [n], data: new Float32Array(n).fill(v), dtype: 'F32' as const });

describe('joining safetensors shards without an index', () => {
  it('exposes the union of the shards, each tensor read from its own shard', async () => {
    const a = new BytesSource(writeSafetensors([t('x_pad_token', 4, 1), t('cap_pad_token', 4, 2)]), 'a');
    const b = new BytesSource(writeSafetensors([t('cap_embedder.0.weight', 8, 3)]), 'b');
    const m = await openShardFiles([a, b]);
    expect(m.header.shards).toBe(2);
    expect([...m.tensors.keys()].sort()).toEqual(['cap_embedder.0.weight', 'cap_pad_token', 'x_pad_token']);
    const loaded = await m.loadTensor('cap_embedder.0.weight', REFERENCE_POLICY);
    expect(loaded.kind === 'f32' && Array.from(loaded.data)).toEqual(new Array(8).fill(3));
  });
  it('rejects a tensor present in two shards', async () => {
    const a = new BytesSource(writeSafetensors([t('x_pad_token', 4, 1)]), 'a');
    const b = new BytesSource(writeSafetensors([t('x_pad_token', 4, 2)]), 'b');
    await expect(openShardFiles([a, b])).rejects.toBeInstanceOf(StudioError);
  });
});
