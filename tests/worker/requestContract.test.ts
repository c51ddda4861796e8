// The request contract (worker/protocol.ts) is the one definition: the pipeline's request is derived from it, the
// PNG metadata reads its modes, the store snaps to its sizes, and one validation serves the worker's buffers and the
// pipeline's byte views alike.
import { describe, expect, it } from 'vitest';
import { parseMetadata } from '../../src/lib/pngMeta.ts';
import { snapSide } from '../../src/store/sizes.ts';
import { toPipelineRequest } from '../../src/worker/jobs.ts';
import { GENERATE_MODES, MAX_SIDE, MAX_STEPS, MIN_SIDE, MIN_STEPS, SIZE_STEP, validateRequest, type GenerateRequest } from '../../src/worker/protocol.ts';

const S = 256; // px
const rgba = (w: number, h: number) => ({ width: w, height: h, data: new ArrayBuffer(w * h * 4) });
const base: GenerateRequest = { mode: 'text-to-image', prompt: 'a fox', width: S, height: S, steps: 8, seed: 1 };
const message = (r: Parameters<typeof validateRequest>[0]) => {
  try {
    validateRequest(r);
    return null;
  } catch (e) {
    expect(e).toMatchObject({ code: 'bad-request' });
    return (e as Error).message;
  }
};

describe('the request contract', () => {
  it('accepts the limits themselves and refuses one step past each, with the sentence the UI shows', () => {
    for (const side of [MIN_SIDE, MAX_SIDE]) expect(message({ ...base, width: side, height: side })).toBeNull();
    for (const steps of [MIN_STEPS, MAX_STEPS]) expect(message({ ...base, steps })).toBeNull();
    expect(message({ ...base, width: MIN_SIDE - SIZE_STEP })).toBe(`The image width must be a multiple of 16 between 256 and 2048 pixels; got ${MIN_SIDE - SIZE_STEP}.`);
    expect(message({ ...base, height: MAX_SIDE + SIZE_STEP })).toContain('The image height must be a multiple of 16');
    expect(message({ ...base, width: S + 8 })).toContain('multiple of 16');
    expect(message({ ...base, steps: MAX_STEPS + 1 })).toBe('Steps must be a whole number from 1 to 100; got 101.');
    expect(message({ ...base, steps: 2.5 })).toContain('whole number');
    expect(message({ ...base, seed: Number.NaN })).toBe('The seed must be a number.');
    expect(message({ ...base, mode: 'image-to-image', image: rgba(S, S), strength: 1.5 })).toBe('Strength must be between 0 and 1; got 1.5.');
  });

  it('checks source images and masks the same whether their bytes are ArrayBuffers (worker) or Uint8Arrays (pipeline)', () => {
    const img = rgba(S, S);
    const mask = { width: S, height: S, data: new ArrayBuffer(S * S) };
    expect(message({ ...base, mode: 'inpaint', image: img, mask })).toBeNull();
    const p = toPipelineRequest({ ...base, mode: 'inpaint', image: img, mask });
    expect(p.image?.data).toBeInstanceOf(Uint8Array);
    expect(message(p)).toBeNull();
    expect(message({ ...base, mode: 'edit' })).toBe('edit needs a source image.');
    expect(message({ ...base, mode: 'inpaint', image: img })).toContain('needs a mask');
    expect(message({ ...base, mode: 'image-to-image', image: rgba(S, S + 16) })).toContain('The source image is 256×272');
    expect(message({ ...base, mode: 'image-to-image', image: { width: S, height: S, data: new ArrayBuffer(10) } })).toContain('does not match its size');
    expect(message(toPipelineRequest({ ...base, mode: 'inpaint', image: img, mask: { width: S, height: S, data: new ArrayBuffer(S) } }))).toBe('The mask does not match the image size.');
  });

  it('the pipeline request carries every contract field, views the buffers without copying, and leaves LoRAs and previews to the worker', () => {
    const image = rgba(S, S);
    const control = { kind: 'canny' as const, scale: 0.75, start: 0, end: 1, inpaint: true, image: rgba(S, S) };
    const r: GenerateRequest = { ...base, mode: 'edit', negativePrompt: 'blur', guidanceScale: 4, strength: 0.6, image, lowMemory: true, loras: [{ id: 'x', strength: 1 }], preview: true, control };
    const p = toPipelineRequest(r);
    expect(p.image?.data.buffer).toBe(image.data);
    expect(p).toMatchObject({ mode: 'edit', prompt: 'a fox', negativePrompt: 'blur', width: S, height: S, steps: 8, seed: 1, guidanceScale: 4, strength: 0.6, lowMemory: true });
    expect(p.control).toEqual({ image: { width: S, height: S, data: new Uint8Array(control.image.data) }, scale: 0.75, start: 0, end: 1, inpaint: true });
    expect(toPipelineRequest({ ...r, control: { ...control, image: undefined } }).control?.image).toBeNull();
    expect('loras' in p || 'preview' in p).toBe(false);
  });

  it('PNG metadata knows exactly the contract modes; the store snaps sizes to its limits', () => {
    const meta = (mode: string) => parseMetadata(JSON.stringify({ prompt: 'p', seed: 1, steps: 8, width: S, height: S, mode }))?.mode;
    for (const m of GENERATE_MODES) expect(meta(m)).toBe(m);
    expect(meta('outpaint')).toBe('text-to-image');
    expect([snapSide(1), snapSide(1e6), snapSide(S + 7), snapSide(S + 9)]).toEqual([MIN_SIDE, MAX_SIDE, S, S + SIZE_STEP]);
  });
});
