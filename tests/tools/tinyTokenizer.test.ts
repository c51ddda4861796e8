import { describe, expect, it } from 'vitest';
import { ZImageTokenizer } from '../../src/models/zimage/tokenizer.ts';
import { tinyTokenizerJson } from '../../tools/tinyTokenizer.ts';

describe('the self-test model tokenizer', () => {
  const t = ZImageTokenizer.fromJson(tinyTokenizerJson());
  it('encodes bilingual prompts with the chat template into ids < 384', () => {
    const e = t.encodePrompt('a cat, 一只熊猫');
    expect(e.ids[0]).toBe(257); // <|im_start|>
    expect(Math.max(...e.ids)).toBeLessThan(384);
    // <|im_start|> 'user\n' (1 + 5), prompt bytes (7 + 4 * 3), <|im_end|> '\n' <|im_start|> 'assistant\n' (1 + 1 + 1 + 10)
    expect(e.ids.length).toBe(6 + 19 + 13);
    expect(t.decode(e.ids)).toContain('一只熊猫');
  });
});
