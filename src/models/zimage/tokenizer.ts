// Z-Image's prompt tokenizer: the Qwen3 tokenizer (tokenizer.json through @huggingface/tokenizers) with the chat
// template of the reference pipeline, right-truncated to 512 tokens (zimage-spec §4.1).
import { Tokenizer } from '@huggingface/tokenizers';

export const MAX_TOKENS = 512; // DEFAULT_MAX_SEQUENCE_LENGTH

/** The exact string apply_chat_template produces for one user turn with add_generation_prompt and thinking on. */
export function chatTemplate(prompt: string): string {
  return `<|im_start|>user\n${prompt}<|im_end|>\n<|im_start|>assistant\n`;
}

/**
 * The omni (edit) path encodes the prompt as N + 2 separately encoded segments for N condition images
 * (zimage-spec §9).
 */
export function omniSegments(prompt: string, conditionImages: number): string[] {
  if (conditionImages < 1) return [chatTemplate(prompt)];
  const segs = ['<|im_start|>user\n<|vision_start|>'];
  for (let i = 1; i < conditionImages; i++) segs.push('<|vision_end|><|vision_start|>');
  segs.push(`<|vision_end|>${prompt}<|im_end|>\n<|im_start|>assistant\n<|vision_start|>`);
  segs.push('<|vision_end|><|im_end|>');
  return segs;
}

export interface EncodedPrompt {
  ids: Int32Array; // (L) token ids, L <= MAX_TOKENS
  /** Tokens before truncation (template included). */
  fullLength: number;
  truncated: boolean;
}

export class ZImageTokenizer {
  private constructor(private readonly tok: Tokenizer) {}

  /** From the parsed tokenizer.json (and tokenizer_config.json when available). */
  static fromJson(tokenizerJson: object, tokenizerConfig: object = {}): ZImageTokenizer {
    return new ZImageTokenizer(new Tokenizer(tokenizerJson as never, tokenizerConfig as never));
  }

  /** Token ids of an already templated text (special tokens are matched in the text, none added). */
  encodeText(text: string, maxTokens = MAX_TOKENS): EncodedPrompt {
    const all = this.tok.encode(text, { add_special_tokens: false }).ids;
    const kept = all.length > maxTokens ? all.slice(0, maxTokens) : all;
    return { ids: Int32Array.from(kept), fullLength: all.length, truncated: all.length > maxTokens };
  }

  encodePrompt(prompt: string, maxTokens = MAX_TOKENS): EncodedPrompt {
    return this.encodeText(chatTemplate(prompt), maxTokens);
  }

  decode(ids: ArrayLike<number>): string {
    return this.tok.decode(Array.from(ids), { skip_special_tokens: false });
  }
}
