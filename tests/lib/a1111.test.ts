import { describe, expect, it } from 'vitest';
import { applicableParameters, formatParameters, MAX_PARAMETERS_CHARS, parseParameters } from '../../src/lib/a1111.ts';
import type { ImageMetadata } from '../../src/worker/protocol.ts';
import { Rng } from '../../src/lib/rng.ts';

// Real-world shapes of A1111 / Forge infotext (as their PNGs carry it).
const A1111_FULL = `masterpiece, best quality, 1girl, standing in a field of sunflowers, <lora:add_detail:0.8>
golden hour, detailed background
Negative prompt: lowres, bad anatomy, bad hands, (worst quality:1.4)
Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 3623485147, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Denoising strength: 0.45, Clip skip: 2, Hires upscale: 2, Hires upscaler: Latent, Lora hashes: "add_detail: 7c6bad76eb54", Version: v1.10.1`;

const NO_NEGATIVE = `a photo of an astronaut riding a horse on mars
Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 42, Size: 1024x1024, Model: sd_xl_base_1.0, Version: f2.0.1v1.10.1-previous-313-g8a042934`;

const FORGE_FLUX = `A cinematic shot of a lighthouse, "quoted words", 一只猫
Steps: 8, Sampler: Euler, Schedule type: Simple, CFG scale: 1, Distilled CFG Scale: 3.5, Seed: 7, Size: 896x1152, Model: "flux1-dev, fp8", Version: f2.0.1`;

describe('A1111 parameters', () => {
  it('reads a full A1111 infotext: multi-line prompt, LoRA tags, negative prompt, quoted values, extra fields', () => {
    const p = parseParameters(A1111_FULL)!;
    expect(p.prompt).toBe('masterpiece, best quality, 1girl, standing in a field of sunflowers,\ngolden hour, detailed background');
    expect(p.loras).toEqual([{ name: 'add_detail', strength: 0.8 }]);
    expect(p.negativePrompt).toBe('lowres, bad anatomy, bad hands, (worst quality:1.4)');
    expect(Object.fromEntries(p.fields)).toMatchObject({ Steps: '28', 'CFG scale': '7', Seed: '3623485147', Size: '512x768', 'Lora hashes': 'add_detail: 7c6bad76eb54' });
    const a = applicableParameters(p);
    expect(a).toMatchObject({ steps: 28, seed: 3623485147, width: 512, height: 768, guidanceScale: 7 });
    expect(a.ignored).toEqual(['Sampler', 'Schedule type', 'Model hash', 'Model', 'Denoising strength', 'Clip skip', 'Hires upscale', 'Hires upscaler', 'Lora hashes']);
  });

  it('a missing negative prompt is empty; an Euler sampler is what the studio runs (not reported as ignored)', () => {
    const p = parseParameters(NO_NEGATIVE)!;
    expect(p.prompt).toBe('a photo of an astronaut riding a horse on mars');
    expect(p.negativePrompt).toBe('');
    expect(applicableParameters(p).ignored).toEqual(['Sampler', 'Model']); // "Euler a" is not plain Euler
    const f = applicableParameters(parseParameters(FORGE_FLUX)!);
    expect(f.prompt).toBe('A cinematic shot of a lighthouse, "quoted words", 一只猫');
    expect(f.ignored).toEqual(['Schedule type', 'Distilled CFG Scale', 'Model']);
    expect(f).toMatchObject({ width: 896, height: 1152, steps: 8, seed: 7 });
  });

  it('a text with no parameter line is all prompt; fewer than three pairs are prompt too', () => {
    expect(parseParameters('just a prompt, with: a colon')).toEqual({ prompt: 'just a prompt, with: a colon', negativePrompt: '', fields: [], loras: [] });
    expect(parseParameters('   ')).toBeNull();
    expect(parseParameters('x'.repeat(MAX_PARAMETERS_CHARS + 1))).toBeNull();
  });

  it('writes what it reads back: round trip of a studio image with LoRAs, a multi-line Chinese prompt and commas in the model name', () => {
    const meta: ImageMetadata = {
      prompt: '一只在雪地里的红狐狸\nsoft light, 35mm',
      negativePrompt: 'blur, text',
      seed: 4294967295,
      steps: 8,
      width: 1360,
      height: 768,
      model: 'Z-Image Turbo (Q4_0, GGUF)',
      mode: 'text-to-image',
      strength: null,
      guidanceScale: null,
      loras: [{ name: 'pixel-art.safetensors', strength: 0.75 }],
    };
    const text = formatParameters(meta);
    expect(text.split('\n').pop()).toBe('Steps: 8, Sampler: Euler, CFG scale: 1, Seed: 4294967295, Size: 1360x768, Model: "Z-Image Turbo (Q4_0, GGUF)", Version: Z-Image Studio');
    expect(text).toContain('<lora:pixel-art:0.75>');
    const back = applicableParameters(parseParameters(text)!);
    expect(back).toMatchObject({ prompt: meta.prompt, negativePrompt: 'blur, text', seed: meta.seed, steps: 8, width: 1360, height: 768, loras: [{ name: 'pixel-art', strength: 0.75 }] });
    expect(back.ignored).toEqual(['Model']);
  });

  it('fuzz (seed 20261205): random texts never throw, stay bounded, and random metadata round-trips', () => {
    const rng = new Rng(20261205);
    const alphabet = ['a', 'Z', ' ', ',', ':', '"', '\\', '\n', '<', '>', 'lora', '<lora:x:', 'Negative prompt:', 'Steps: ', 'Size: ', 'x', '9', '-', '猫', '{', '|', '}', '\r\n', '\u0000', '😀'];
    const pick = () => alphabet[rng.int(alphabet.length)];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: rng.int(80) }, pick).join('');
      const p = parseParameters(text);
      if (!p) continue;
      expect(p.loras.length).toBeLessThanOrEqual(32);
      const a = applicableParameters(p);
      for (const v of [a.seed, a.steps, a.width, a.height, a.guidanceScale]) if (v !== null) expect(Number.isFinite(v)).toBe(true);
    }
    const word = () => Array.from({ length: 1 + rng.int(6) }, () => ['fox', '狐狸', 'a,b', 'x:y', '"q"', 'line\nbreak'][rng.int(6)]).join(' ');
    for (let i = 0; i < 300; i++) {
      const meta: ImageMetadata = {
        prompt: word(),
        negativePrompt: rng.int(2) ? word() : '',
        seed: rng.nextU32(),
        steps: 1 + rng.int(50),
        width: 256 + 16 * rng.int(100),
        height: 256 + 16 * rng.int(100),
        model: rng.int(2) ? word().replace(/\n/g, ' ') : '',
        mode: 'text-to-image',
        strength: null,
        guidanceScale: rng.int(2) ? rng.int(20) / 2 : null,
      };
      const back = applicableParameters(parseParameters(formatParameters(meta))!);
      expect(back, `case ${i}`).toMatchObject({ prompt: meta.prompt.trim(), negativePrompt: meta.negativePrompt.trim(), seed: meta.seed, steps: meta.steps, width: meta.width, height: meta.height, guidanceScale: meta.guidanceScale ?? 1 });
    }
  });
});
