// GGUF shapes by ggml's rule: its writer stores n_dims = ggml_n_dims(t), so a PyTorch [1, D] tensor arrives as [D].
// The golden GGUF DiT keeps the 2-D pad tokens; the published z_image_turbo-Q4_0.gguf has them 1-D and no metadata
// at all. Rewriting the golden file the way ggml writes must change nothing the studio sees.
import { describe, expect, it } from 'vitest';
import { GGML_TYPE_BY_NAME } from '../../src/weights/dtypes.ts';
import { describeRefusal, sameGgmlShape } from '../../src/weights/detect.ts';
import { parseGguf } from '../../src/weights/gguf.ts';
import { type ModelFile, openModelFile } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BytesSource, readRange } from '../../src/weights/source.ts';
import { buildGguf, type GgTensor, goldenBytes } from './builders.ts';

const open = (b: Uint8Array): Promise<ModelFile> => openModelFile(new BytesSource(b));

/** The golden GGUF rewritten: ggml dims (trailing ne of 1 dropped), metadata dropped, `edit` applied to each tensor. */
async function rewrite(file: string, edit: (t: GgTensor) => GgTensor = (t) => t): Promise<Uint8Array> {
  const g = await parseGguf(new BytesSource(goldenBytes(file)));
  const tensors = await Promise.all(
    g.tensors.map(async (t) => {
      const ne = [...t.shape].reverse();
      while (ne.length > 1 && ne[ne.length - 1] === 1) ne.pop();
      return edit({ name: t.name, type: GGML_TYPE_BY_NAME.get(t.dtype)!.id, ne, data: await readRange(t.source, t.offset, t.byteLength) });
    }),
  );
  return buildGguf({ tensors });
}

describe('GGUF shapes by ggml dimension rule', () => {
  it('sameGgmlShape ignores leading size-1 dimensions only', () => {
    expect(sameGgmlShape([1, 3840], [3840])).toBe(true);
    expect(sameGgmlShape([1, 1, 64], [64])).toBe(true);
    expect(sameGgmlShape([3840], [3840, 1])).toBe(false);
    expect(sameGgmlShape([2, 3840], [3840])).toBe(false);
    expect(sameGgmlShape([1], [1])).toBe(true);
  });

  for (const file of ['transformer-Q4_0.gguf', 'transformer-Q8_0.gguf']) {
    it(`${file} written as ggml writes it (1-D pad tokens, no metadata keys) is the same model`, async () => {
      const ref = await open(goldenBytes(file));
      const bytes = await rewrite(file);
      const g = await open(bytes);
      expect(g.metadata.size).toBe(0);
      expect(g.raw.find((t) => t.name === 'x_pad_token')!.shape).toEqual([96]); // as stored
      expect([g.network, g.naming]).toEqual(['dit', 'comfy']);
      const r = g.detect();
      expect(r.ok, describeRefusal(r).join('; ')).toBe(true);
      expect(r.dims).toEqual(ref.detect().dims);
      for (const [name, t] of ref.tensors) expect(g.tensors.get(name)!.shape, name).toEqual(t.shape); // [1, 96] restored
      for (const name of ['x_pad_token', 'cap_pad_token']) {
        const [a, b] = await Promise.all([ref.loadTensor(name, REFERENCE_POLICY), g.loadTensor(name, REFERENCE_POLICY)]);
        expect(b).toEqual(a);
      }
    });
  }

  it('a really mis-shaped tensor is refused naming the tensor, its stored name, what was expected and what was found', async () => {
    const bytes = await rewrite('transformer-Q8_0.gguf', (t) =>
      t.name === 'cap_pad_token' ? { ...t, ne: [48, 2], data: t.data } : t,
    );
    const g = await open(bytes);
    const r = g.detect();
    expect(r.ok).toBe(false);
    const lines = describeRefusal(r, (n) => g.tensors.get(n)?.fileName ?? n);
    expect(lines).toContain('tensor cap_pad_token is [2, 48], expected [1, 96]');
    const q = await rewrite('transformer-Q8_0.gguf', (t) => (t.name === 'layers.0.attention.out.weight' ? { ...t, ne: [96, 64], data: t.data.subarray(0, (96 / 32) * 34 * 64) } : t));
    const lines2 = describeRefusal((await open(q)).detect(), (n) => n.replace('to_out.0', 'out'));
    expect(lines2).toContain('tensor layers.0.attention.to_out.0.weight (stored as layers.0.attention.out.weight) is [64, 96], expected [96, 96]');
  });
});
