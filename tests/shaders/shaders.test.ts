// Snapshots of every composed shader (variants.ts), one WGSL file each in __snapshots__/, so a change to a shared
// part (row_norm_io, block_sum, a matmul format) shows in review as the files it changes. After an intended
// change: `npx vitest run --project node tests/shaders -u`, then review the diff of tests/shaders/__snapshots__.
// Also: one key never names two sources, and the pipeline cache refuses a key that comes with another source.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeOptions, composeShader, part, shader } from '../../src/engine/compose.ts';
import { PipelineCache, pipelineKey } from '../../src/engine/pipelines.ts';
import { allShaders, snapshotName } from './variants.ts';

const DIR = join(import.meta.dirname, '__snapshots__');

describe('composed shaders', () => {
  beforeAll(() => {
    composeOptions.checkKeys = true; // every shader() call rebuilds its parts and compares them with the key's source
  });
  afterAll(() => {
    composeOptions.checkKeys = false;
  });

  const shaders = allShaders();

  it('are a sane number, each key naming one source and one snapshot file', () => {
    expect(shaders.length).toBeGreaterThan(40);
    expect(shaders.length).toBeLessThan(300);
    const names = new Set(shaders.map((s) => snapshotName(s.key)));
    expect(names.size).toBe(shaders.length);
    allShaders(); // composed again with checkKeys on: throws if a key came with another source
  });

  for (const s of shaders)
    it(`${s.key} matches its snapshot`, async () => {
      const header = `// ${s.key}\n// parts: ${s.parts.join(', ')}\n`;
      await expect(header + s.code).toMatchFileSnapshot(join(DIR, snapshotName(s.key)));
    });

  it('has no snapshot left from a shader that no longer exists', () => {
    const expected = new Set(shaders.map((s) => snapshotName(s.key)));
    let files: string[];
    try {
      files = readdirSync(DIR);
    } catch {
      return; // first run: the snapshots are being written
    }
    expect(files.filter((f) => !expected.has(f))).toEqual([]);
  });
});

describe('shader keys', () => {
  it('throw when one key is composed from two sources', () => {
    composeOptions.checkKeys = true;
    try {
      shader('key_test', { v: 1 }, () => [part('a', 'const A = 1;')]);
      expect(shader('key_test', { v: 1 }, () => [part('a', 'const A = 1;')]).code).toContain('const A = 1;');
      expect(() => shader('key_test', { v: 1 }, () => [part('a', 'const A = 2;')])).toThrow(/one key, two sources/);
    } finally {
      composeOptions.checkKeys = false;
    }
  });

  it('read as kernel[choice=value,...] and refuse separators inside names', () => {
    const s = composeShader('matmul', { body: 'wide', w: 'q4_k', epilogue: 'gated+sel' }, [part('p', '')]);
    expect(s.key).toBe('matmul[body=wide,w=q4_k,epilogue=gated+sel]');
    expect(() => composeShader('k', { a: 'x,y' }, [])).toThrow(RangeError);
  });

  it('key pipelines by shader key, entry point and sorted constants; a key with another source throws', () => {
    const calls: string[] = [];
    const device = {
      pushErrorScope: () => undefined,
      popErrorScope: () => Promise.resolve(null),
      createShaderModule: (d: { label: string }) => (calls.push(`module ${d.label}`), {}),
      createComputePipeline: (d: { label: string }) => (calls.push(`pipeline ${d.label}`), {}),
    } as unknown as GPUDevice;
    const cache = new PipelineCache(device);
    const a = composeShader('toy', { v: 'a' }, [part('toy', '@compute @workgroup_size(1) fn main() {}')]);
    const spec = { shader: a, constants: { WG: 64, B: 1 } };
    expect(pipelineKey(spec)).toBe('toy[v=a]|main|B=1,WG=64');
    cache.get(spec);
    cache.get({ shader: a, constants: { B: 1, WG: 64 } });
    cache.get({ shader: a, entryPoint: 'main', constants: { WG: 32, B: 1 } });
    expect(calls).toEqual(['module toy[v=a]', 'pipeline toy[v=a]|main|B=1,WG=64', 'pipeline toy[v=a]|main|B=1,WG=32']);
    const impostor = composeShader('toy', { v: 'a' }, [part('toy', '@compute @workgroup_size(2) fn main() {}')]);
    expect(() => cache.get({ shader: impostor, constants: { WG: 64, B: 1 } })).toThrow(/two sources/);
    expect(() => cache.get({ shader: impostor, constants: { WG: 16 } })).toThrow(/two sources/);
  });
});
