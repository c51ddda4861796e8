// Hostile files: PNGs dropped to restore settings (oversized, malformed, deeply nested, script-bearing settings
// chunks), images of extreme claimed sizes and broken encodings, and seeded fuzzing of the PNG and catalog parsers.
// Every case ends in one clean refusal, never a crash, a hang, a huge allocation or changed settings.
import { describe, expect, it } from 'vitest';
import { crc32, decodePng, encodePng, encodeStudioPng, zlibDeflate } from '../src/lib/png.ts';
import type { ImageMetadata } from '../src/worker/protocol.ts';
import { inspectStudioPng, MAX_METADATA_BYTES } from '../src/lib/pngMeta.ts';
import { StudioError } from '../src/lib/errors.ts';
import { Rng } from '../src/lib/rng.ts';
import { imageDimensions } from '../src/lib/imageHeader.ts';
import { checkImageFile } from '../src/store/imaging.ts';
import { BUILTIN_CATALOG, validateCatalog } from '../src/library/catalog.ts';
import { makeStudio } from './store/fakes.ts';

const meta: ImageMetadata = { prompt: 'a fox', negativePrompt: '', seed: 7, steps: 8, width: 512, height: 512, model: 'm', mode: 'text-to-image', strength: null, guidanceScale: null };
const px = (w: number, h: number) => ({ width: w, height: h, data: new Uint8Array(w * h * 4).fill(128) });
const withSettings = (text: string) => encodePng(px(2, 2), { zimage: text });

/** A PNG whose IHDR claims width x height, with the given IDAT payload, all CRCs right. */
async function claimedPng(width: number, height: number, idat: Uint8Array): Promise<Uint8Array> {
  const png = await encodePng(px(1, 1));
  const out = png.slice(0, 33); // signature + IHDR
  const v = new DataView(out.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  v.setUint32(29, crc32(out.subarray(12, 29)));
  const idatChunk = new Uint8Array(12 + idat.length);
  const iv = new DataView(idatChunk.buffer);
  iv.setUint32(0, idat.length);
  idatChunk.set([73, 68, 65, 84], 4);
  idatChunk.set(idat, 8);
  iv.setUint32(8 + idat.length, crc32(idatChunk.subarray(4, 8 + idat.length)));
  const iend = png.slice(png.length - 12);
  return new Uint8Array([...out, ...idatChunk, ...iend]);
}

describe('PNG settings chunks from strangers', () => {
  const cases: [string, () => Promise<Uint8Array>, RegExp][] = [
    ['oversized', () => withSettings(JSON.stringify({ ...meta, prompt: 'x'.repeat(MAX_METADATA_BYTES) })), /more than the 65536/],
    ['malformed JSON', () => withSettings('{"prompt": "a fox", "seed": 7,'), /not the JSON object/],
    ['deeply nested', () => withSettings('['.repeat(30_000) + ']'.repeat(30_000)), /not the JSON object/],
    ['nested in a field', () => withSettings(`{"prompt": "a", "seed": ${'['.repeat(30_000)}${']'.repeat(30_000)}, "steps": 8, "width": 512, "height": 512}`), /not the JSON object/],
    ['an array', () => withSettings(JSON.stringify([meta])), /not the JSON object/],
    ['a huge model name', () => withSettings(JSON.stringify({ ...meta, model: 'm'.repeat(5000) })), /not the JSON object/],
  ];
  for (const [name, make, why] of cases)
    it(`refuses a ${name} settings chunk with one message and changes no setting`, async () => {
      const t = makeStudio();
      t.s().generate.setPrompt('my own prompt');
      const before = structuredClone(t.s().generate.params);
      const png = await make();
      expect(inspectStudioPng(png)).toMatchObject({ kind: 'damaged', why: expect.stringMatching(why) });
      expect(t.s().generate.restoreFromPng(png)).toBe(true); // handled: not opened as an image to edit
      expect(t.s().generate.error?.message).toMatch(/^The settings in this image could not be restored: .*\. Nothing was changed\.$/);
      expect(t.s().generate.params).toEqual(before);
    });

  it('restores a script-bearing prompt as inert text, exactly as written', async () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>{{constructor.constructor("alert(3)")()}}';
    const t = makeStudio();
    expect(t.s().generate.restoreFromPng(await encodeStudioPng(px(2, 2), { ...meta, prompt: evil, model: '"><script>' }))).toBe(true);
    expect(t.s().generate.params.prompt).toBe(evil);
    expect(t.s().generate.error).toBeNull();
  });

  it('ignores keys it does not know, including __proto__, without polluting objects', async () => {
    const png = await withSettings(`{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, ${JSON.stringify(meta).slice(1)}`);
    const r = inspectStudioPng(png);
    expect(r.kind).toBe('ok');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (r.kind === 'ok') expect(Object.keys(r.meta).sort()).toEqual(Object.keys(meta).sort());
  });
});

describe('images of extreme sizes and broken encodings', () => {
  it('refuses a header that claims a huge or empty image before allocating', async () => {
    const idat = await zlibDeflate(new Uint8Array(64));
    for (const [w, h] of [[100_000, 100_000], [16385, 1], [10_000, 10_000], [0, 5], [0x80000000, 1]] as const)
      await expect(decodePng(await claimedPng(w, h, idat))).rejects.toThrow(/cannot be opened: it (is|claims)/);
  });

  it('stops a decompression bomb at the size its header allows', async () => {
    const bomb = await zlibDeflate(new Uint8Array(32 * 1024 * 1024)); // 32 MiB of zeros, ~32 KiB compressed
    await expect(decodePng(await claimedPng(16, 16, bomb))).rejects.toThrow(/inflates to more than the \d+ bytes its header allows/);
  });

  it('reads the claimed size of PNG, GIF, BMP, WebP and JPEG headers, and refuses huge ones before decoding', async () => {
    expect(imageDimensions(await encodePng(px(3, 2)))).toEqual({ width: 3, height: 2 });
    const gif = new Uint8Array([...new TextEncoder().encode('GIF89a'), 0xa0, 0x86, 0xa0, 0x86]);
    expect(imageDimensions(gif)).toEqual({ width: 34464, height: 34464 });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0, 0]);
    expect(imageDimensions(jpeg)).toEqual({ width: 65535, height: 65535 });
    const webp = new Uint8Array(30);
    webp.set(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8X'));
    webp.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 24);
    expect(imageDimensions(webp)).toEqual({ width: 2 ** 24, height: 2 ** 24 });
    expect(imageDimensions(new Uint8Array([1, 2, 3]))).toBeNull();
    for (const b of [gif, jpeg, webp]) await expect(checkImageFile(new Blob([b]))).rejects.toThrow(/pixels; the studio opens images of at most 16384 px a side/);
    await expect(checkImageFile(new Blob([(await encodePng(px(64, 64))) as Uint8Array<ArrayBuffer>]))).resolves.toBeUndefined();
  });

  it('keeps the open image and its mask when the editor is handed an image it refuses', async () => {
    const t = makeStudio();
    expect(await t.s().editor.openBlob(new Blob([(await encodePng(px(256, 256))) as Uint8Array<ArrayBuffer>]), { name: 'mine.png' })).toBe(true);
    const { source, painter } = t.s().editor;
    const huge = await claimedPng(100_000, 100_000, await zlibDeflate(new Uint8Array(8)));
    expect(await t.s().editor.openBlob(new Blob([huge as Uint8Array<ArrayBuffer>]), { name: 'huge.png' })).toBe(false);
    expect(t.s().editor.error?.message).toMatch(/^Could not open huge\.png: .*100000×100000 pixels.*\.$/);
    expect(t.s().editor.source).toBe(source);
    expect(t.s().editor.painter).toBe(painter);
    expect(await t.s().editor.openBlob(new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])]), { name: 'broken.png' })).toBe(false);
    expect(t.s().editor.source).toBe(source);
  });

  it('refuses truncated and garbled image data with an error, not a crash', async () => {
    const good = await encodePng(px(8, 8));
    await expect(decodePng(good.slice(0, 40))).rejects.toThrow();
    await expect(decodePng(await claimedPng(8, 8, new Uint8Array([1, 2, 3, 4, 5])))).rejects.toThrow();
  });
});

describe('seeded fuzzing', () => {
  it('PNG readers: mutated studio PNGs parse, or fail cleanly (seed 20)', async () => {
    const rng = new Rng(20);
    const src = await encodeStudioPng({ width: 6, height: 5, data: new Uint8Array(120).map((_, i) => (i * 37) & 255) }, meta);
    let ok = 0;
    for (let iter = 0; iter < 300; iter++) {
      const b = src.slice(0, rng.uniform() < 0.2 ? rng.int(src.length) : src.length);
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const at = rng.uniform() < 0.7 ? rng.int(Math.min(b.length, 120)) : rng.int(b.length);
        if (rng.uniform() < 0.5) b[at] ^= 1 << rng.int(8);
        else if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, [0xffffffff, 0x7fffffff, 0, 1, 0x100000][rng.int(5)]);
      }
      const r = inspectStudioPng(b); // never throws
      expect(['none', 'ok', 'damaged']).toContain(r.kind);
      try {
        const img = await decodePng(b);
        expect(img.data.length).toBe(img.width * img.height * 4);
        expect(img.width * img.height).toBeLessThanOrEqual(6 * 5 * 256); // nothing sized from a lie
        ok++;
      } catch (err) {
        expect(err).toBeInstanceOf(Error); // a clean Error, raised on purpose or by the inflater
      }
    }
    expect(ok).toBeGreaterThan(0);
  });

  it('catalog validation: mutated catalogs are accepted or refused with one bad-request error (seed 21)', () => {
    const rng = new Rng(21);
    const base = JSON.stringify({ version: 1, sets: BUILTIN_CATALOG.sets.filter((s) => s.source === 'download') });
    const pokes = ['null', '-1', '1e309', '""', '"../../etc/passwd"', '"https://u:p@evil.example/x"', '"javascript:alert(1)"', '[]', '{}', '"\\u0000"', '9007199254740993', '"http://evil.example/x"'];
    let accepted = 0;
    for (let iter = 0; iter < 400; iter++) {
      // Replace one JSON value (string or number) with a hostile one, or cut the text, or duplicate a set.
      let text = base;
      const values = [...text.matchAll(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?/g)];
      for (let k = 1 + rng.int(3); k > 0; k--) {
        const m = values[rng.int(values.length)];
        if (m.index! + m[0].length <= text.length) text = text.slice(0, m.index) + pokes[rng.int(pokes.length)] + text.slice(m.index! + m[0].length);
      }
      if (rng.uniform() < 0.1) text = text.slice(0, rng.int(text.length));
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        continue; // the JSON step is the source's (sources.ts), tested there
      }
      try {
        const c = validateCatalog(raw, 'The catalog', { baseUrl: 'https://huggingface.co/org/repo/resolve/main/catalog.json' });
        for (const s of c.sets)
          for (const f of s.files) {
            expect(new URL(f.url).protocol).toBe('https:');
            expect(new URL(f.url).username).toBe('');
            expect(f.name.split('/')).not.toContain('..');
          }
        accepted++;
      } catch (err) {
        expect(err).toBeInstanceOf(StudioError);
        expect((err as StudioError).code).toBe('bad-request');
        expect((err as StudioError).message).toMatch(/^The catalog .*\.$/s);
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('refuses a catalog with too many sets at once', () => {
    const sets = Array.from({ length: 10_000 }, (_, i) => ({ id: `s${i}`, label: 'S', files: [{ role: 'vae', name: 'v', url: 'https://huggingface.co/v' }] }));
    expect(() => validateCatalog({ version: 1, sets }, 'The catalog')).toThrow(/at most 256/);
  });
});
