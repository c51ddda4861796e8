// The prompt-enhancer job in the worker: the loaded set's text encoder as a chat model (models/zimage/networks.ts lm()), text
// streamed to the caller as it is written, the LM's own weights released when done (cancelled or not).
import { enhancePrompt } from '../models/zimage/enhance.ts';
import { StudioError } from '../lib/errors.ts';
import type { LoadedZImage } from '../models/zimage/networks.ts';
import type { EnhanceRequest, EnhanceResult, EnhanceUpdate } from './protocol.ts';

export const ENHANCE_DEFAULTS = { temperature: 0.7, topP: 0.8, maxNewTokens: 320, maxPromptTokens: 1024 } as const;

export async function runEnhance(set: LoadedZImage, req: EnhanceRequest, onUpdate: ((u: EnhanceUpdate) => void) | undefined, checkCancelled: () => void): Promise<EnhanceResult> {
  if (!req.prompt.trim()) throw new StudioError('bad-request', 'Write a short prompt or instruction first; the enhancer expands what you wrote.');
  const maxNewTokens = Math.max(1, Math.min(1024, Math.round(req.maxNewTokens ?? ENHANCE_DEFAULTS.maxNewTokens)));
  onUpdate?.({ phase: 'loading', text: '', tokens: 0, tokensPerSecond: null });
  try {
    const lm = await set.lm();
    checkCancelled();
    onUpdate?.({ phase: 'reading', text: '', tokens: 0, tokensPerSecond: null });
    let firstAt = 0;
    const r = await enhancePrompt(lm, set.networks.tokenizer, {
      mode: req.mode,
      prompt: req.prompt,
      sourcePrompt: req.sourcePrompt,
      seed: req.seed,
      temperature: req.temperature ?? ENHANCE_DEFAULTS.temperature,
      topP: req.topP ?? ENHANCE_DEFAULTS.topP,
      maxNewTokens,
      maxPromptTokens: ENHANCE_DEFAULTS.maxPromptTokens,
      checkCancelled,
      onText: (text, tokens) => {
        const now = performance.now();
        if (tokens === 1) firstAt = now;
        const tokensPerSecond = tokens > 1 ? ((tokens - 1) * 1000) / (now - firstAt) : null;
        onUpdate?.({ phase: 'writing', text, tokens, tokensPerSecond });
      },
    });
    const decodeSteps = Math.max(0, r.ids.length - 1); // the first token comes from the prefill
    return {
      text: r.text,
      tokens: r.ids.length,
      promptTokens: r.promptTokens,
      finished: r.stopped,
      prefillTokensPerSecond: (r.promptTokens * 1000) / Math.max(1e-3, r.prefillMs),
      decodeTokensPerSecond: decodeSteps > 0 ? (decodeSteps * 1000) / Math.max(1e-3, r.decodeMs) : null,
    };
  } finally {
    set.releaseLm();
  }
}
