// The stand-in writer (tools/standin.ts) against every manifest of ../shared/realfiles: the parsed stand-in must
// yield exactly the manifest's tensors (names, dtypes, shapes, absolute offsets, byte lengths), GGUF data_offset and
// the file's full size. Stand-ins are sparse files in a temp folder, removed afterwards.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseGguf } from '../../src/weights/gguf.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { NodeFileSource } from '../../tools/nodeSource.ts';
import { ggufTensorBytes, readManifest } from '../../tools/manifest.ts';
import { REALFILES_DIR, writeStandin } from '../../tools/standin.ts';

async function manifests(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await manifests(p)));
    else if (/\.(gguf|safetensors)\.json$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

const tmp = await mkdtemp(join(tmpdir(), 'zimage-standin-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));
const paths = await manifests(REALFILES_DIR);

describe('stand-in writer', () => {
  it('finds every manifest of realfiles', () => {
    expect(paths.map((p) => relative(REALFILES_DIR, p))).toHaveLength(10);
  });

  it.each(paths.map((p) => [relative(REALFILES_DIR, p), p]))('%s: header-exact, full size, sparse', async (_rel, path) => {
    const m = await readManifest(path);
    const out = join(tmp, m.file);
    await writeStandin(m, out);
    const st = await stat(out);
    expect(st.size).toBe(m.size);
    expect(st.blocks * 512).toBeLessThan(16 * 2 ** 20); // sparse: only the header is on disk
    const src = await NodeFileSource.open(out);
    try {
      const f = await openModelFile(src);
      const got = f.raw.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, offset: t.offset, byteLength: t.byteLength }));
      let want: typeof got;
      if (m.format === 'gguf') {
        const g = await parseGguf(src);
        expect(g.dataOffset).toBe(m.data_offset);
        expect(g.version).toBe(m.version);
        expect(g.alignment).toBe(m.alignment);
        expect(g.metadata.size).toBe(Object.keys(m.metadata).length);
        for (const [key, v] of Object.entries(m.metadata)) {
          const got = g.metadata.get(key);
          if (typeof v === 'object' && !Array.isArray(v)) expect((got as ArrayLike<unknown>).length, key).toBe(v.length);
          else if (typeof v === 'number' && !Number.isInteger(v)) expect(Math.fround(v), key).toBe(got); // f32
          else expect(got, key).toEqual(v);
        }
        want = m.tensors.map((t) => ({ name: t.name, dtype: t.type, shape: [...t.ggml_dims].reverse(), offset: m.data_offset + t.offset, byteLength: ggufTensorBytes(t.type, t.ggml_dims) }));
      } else {
        expect(f.header.headerBytes).toBe(m.header_bytes);
        want = m.tensors.map((t) => ({ name: t.name, dtype: t.type, shape: t.shape, offset: 8 + m.header_bytes + t.offsets[0], byteLength: t.offsets[1] - t.offsets[0] }));
      }
      expect(got).toEqual(want);
      expect(src.size).toBe(m.size);
    } finally {
      await src.close();
    }
  });
});
