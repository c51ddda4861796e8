import { describe, expect, it } from 'vitest';
import { imageMetadata } from '../../src/worker/jobs.ts';
import type { GenerateRequest } from '../../src/worker/protocol.ts';

describe('imageMetadata: the parameters written into the PNG and kept by the gallery', () => {
  const edit: GenerateRequest = { mode: 'edit', prompt: 'make it blue', width: 256, height: 256, steps: 8, seed: 7, strength: 0.6 };

  it('records what ran: an edit that ran as inpainting says inpaint, with its strength', () => {
    expect(imageMetadata(edit, { mode: 'inpaint', width: 256, height: 256, model: 'Turbo' })).toEqual({
      prompt: 'make it blue',
      negativePrompt: '',
      seed: 7,
      steps: 8,
      width: 256,
      height: 256,
      model: 'Turbo',
      mode: 'inpaint',
      strength: 0.6,
      guidanceScale: null,
    });
  });

  it('text-to-image has no strength; guidance and the negative prompt come from the request', () => {
    const req: GenerateRequest = { mode: 'text-to-image', prompt: 'fox', negativePrompt: 'blur', guidanceScale: 4, width: 512, height: 512, steps: 28, seed: 1, strength: 0.5 };
    expect(imageMetadata(req, { mode: 'text-to-image', width: 512, height: 512, model: 'Base' })).toMatchObject({ mode: 'text-to-image', strength: null, negativePrompt: 'blur', guidanceScale: 4 });
  });
});
