// The prompt enhancer: Qwen3 (the text encoder's own weights, run as a chat model) rewrites a short prompt into a
// detailed one for Z-Image, or turns an edit instruction plus the source image's prompt into the prompt for the
// masked region. Qwen3's chat template with thinking off: the assistant turn starts with an empty think block,
// exactly as apply_chat_template(..., enable_thinking=False) writes it.
import type { Qwen3Lm, GenerateResult } from './qwen3Lm.ts';
import type { ZImageTokenizer } from './tokenizer.ts';

export type EnhanceMode = 'create' | 'edit';

const COMMON = [
  'Write in the language of the user\'s text unless they ask for another. Reply with the prompt only: no preamble, no quotes around it, no lists, no markdown, no explanation.',
  'Z-Image renders photorealism, natural skin and materials, deliberate composition, real lighting and legible text well. Be concrete and visual: subject, action, setting, composition and camera (shot size, angle, lens), lighting (source, direction, time of day), colours, materials and textures, mood, style or medium.',
  'Any text that must appear in the image goes in double quotes, exactly as it should be spelled, with where it appears and in what lettering.',
  'Keep every detail the user gave; never contradict it; invent only what makes the picture clearer. One paragraph of 60 to 160 words.',
].join(' ');

export const ENHANCE_SYSTEM: Readonly<Record<EnhanceMode, string>> = {
  create: `You turn short image ideas into detailed prompts for the Z-Image text-to-image model. ${COMMON}`,
  edit:
    'You write the prompt for repainting a masked region of an existing image with the Z-Image model. You get the ' +
    "edit instruction and, when known, the prompt the image was made from. Describe what the masked region should show " +
    'after the edit, so that it matches the rest of the image in style, lighting, perspective and colour. ' +
    COMMON,
};

/** Qwen3's chat template for system + user with thinking disabled, ready for the assistant's answer. */
export function lmChatTemplate(system: string, user: string): string {
  return `<|im_start|>system\n${system}<|im_end|>\n<|im_start|>user\n${user}<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`;
}

/** The user turn: the prompt (create), or the instruction and the original prompt (edit). */
export function enhanceUserText(mode: EnhanceMode, prompt: string, sourcePrompt?: string): string {
  if (mode === 'create') return prompt.trim();
  const src = sourcePrompt?.trim();
  return src ? `Original image prompt: ${src}\nEdit instruction: ${prompt.trim()}` : `Edit instruction: ${prompt.trim()}`;
}

export interface EnhanceOptions {
  mode: EnhanceMode;
  prompt: string;
  sourcePrompt?: string;
  seed: number;
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /** Tokens of the templated input kept (from the start; the template's end is kept). */
  maxPromptTokens: number;
  onText?: (text: string, tokens: number) => void;
  checkCancelled?: () => void;
}

export interface EnhanceOutcome extends GenerateResult {
  text: string;
}

/** Text of generated ids, without a trailing incomplete UTF-8 sequence (the decoder shows it as U+FFFD). */
export function streamText(tokenizer: ZImageTokenizer, ids: readonly number[]): string {
  return tokenizer.decode(ids).replace(/\uFFFD+$/, '');
}

export async function enhancePrompt(lm: Qwen3Lm, tokenizer: ZImageTokenizer, o: EnhanceOptions): Promise<EnhanceOutcome> {
  const text = lmChatTemplate(ENHANCE_SYSTEM[o.mode], enhanceUserText(o.mode, o.prompt, o.sourcePrompt));
  const ids = tokenizer.encodeText(text, Number.MAX_SAFE_INTEGER).ids;
  let prompt = ids;
  if (ids.length > o.maxPromptTokens) {
    // Keep the head and the template's tail (end of the user turn, the assistant header and the empty think block).
    const tail = tokenizer.encodeText(`<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n`).ids;
    prompt = Int32Array.from([...ids.subarray(0, o.maxPromptTokens - tail.length), ...tail]);
  }
  const stopIds = ['<|im_end|>', '<|endoftext|>'].map((s) => tokenizer.encodeText(s).ids).filter((t) => t.length === 1).map((t) => t[0]);
  const out: number[] = [];
  const r = await lm.generate(prompt, {
    maxNewTokens: o.maxNewTokens,
    sampling: { temperature: o.temperature, topP: o.topP },
    seed: o.seed,
    stopIds,
    checkCancelled: o.checkCancelled,
    onToken: (id) => {
      out.push(id);
      o.onText?.(streamText(tokenizer, out), out.length);
    },
  });
  return { ...r, text: tokenizer.decode(r.ids).trim() };
}
