// The prompt enhancer: the loaded text encoder, run as a chat model in the worker, rewrites the Create prompt (or
// the Edit instruction, with the source image's own prompt) into a detailed one. The text streams into the box it
// came from; the person edits it (or undoes it) before generating. Cancel stops at the next token and keeps what
// was written.
import { formatNumber, joinSentences, t } from '../lib/i18n.ts';
import type { ErrorData } from '../lib/errors.ts';
import type { EnhanceRequest, EnhanceUpdate } from '../worker/protocol.ts';
import type { SliceContext } from './studio.ts';

export type EnhanceTarget = 'create' | 'edit';

export interface EnhanceSlice {
  status: 'idle' | 'loading-model' | 'running';
  target: EnhanceTarget | null;
  phase: EnhanceUpdate['phase'] | null;
  tokens: number;
  tokensPerSecond: number | null;
  /** The box's text before the last enhancement (for Undo), and which box it was. */
  undo: { target: EnhanceTarget; text: string } | null;
  error: ErrorData | null;
  notice: string | null;
  enhance: (target: EnhanceTarget) => Promise<void>;
  cancel: () => Promise<void>;
  /** Puts back the text from before the last enhancement. */
  revert: () => void;
  dismiss: () => void;
}

export function createEnhanceSlice(ctx: SliceContext): EnhanceSlice {
  const { patch, get, deps, rt } = ctx;
  const e = () => get().enhance;
  let jobId: string | null = null;
  let counter = 0;
  let cancelRequested = false;

  const write = (target: EnhanceTarget, text: string) => {
    if (target === 'create') get().generate.setPrompt(text);
    else get().editor.setInstruction(text);
  };

  return {
    status: 'idle',
    target: null,
    phase: null,
    tokens: 0,
    tokensPerSecond: null,
    undo: null,
    error: null,
    notice: null,
    enhance: async (target) => {
      if (e().status !== 'idle') return;
      const original = target === 'create' ? get().generate.params.prompt : get().editor.instruction;
      if (!original.trim()) {
        const what = target === 'create' ? t('store.enhanceWhatPrompt') : t('store.enhanceWhatInstruction');
        patch('enhance', { target, error: { code: 'bad-request', message: t('store.enhanceWrite', { what }) }, notice: null });
        return;
      }
      cancelRequested = false;
      patch('enhance', { status: 'loading-model', target, phase: null, tokens: 0, tokensPerSecond: null, error: null, notice: null });
      const model = await get().models.ensureLoaded();
      if (!model || cancelRequested) {
        patch('enhance', { status: 'idle', error: cancelRequested ? null : get().models.loadError, notice: cancelRequested ? t('store.cancelled') : null });
        return;
      }
      const req: EnhanceRequest = { mode: target, prompt: original, seed: deps.randomSeed() };
      const sourcePrompt = target === 'edit' ? get().editor.source?.meta?.prompt : undefined;
      if (sourcePrompt?.trim()) req.sourcePrompt = sourcePrompt;
      const id = `enh-${++counter}-${deps.now()}`;
      jobId = id;
      patch('enhance', { status: 'running', undo: { target, text: original } });
      const r = await rt.handle().engine.enhancePrompt(id, req, (u) => {
        if (jobId !== id) return;
        if (u.text) write(target, u.text);
        patch('enhance', { phase: u.phase, tokens: u.tokens, tokensPerSecond: u.tokensPerSecond });
      });
      if (jobId !== id) return; // abandoned (engine restarted)
      jobId = null;
      if (r.ok) {
        if (r.value.text) write(target, r.value.text);
        const tps = r.value.decodeTokensPerSecond;
        const done = tps !== null ? t('store.enhancedSpeed', { tokens: r.value.tokens, speed: formatNumber(tps, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }) : t('store.enhanced', { tokens: r.value.tokens });
        patch('enhance', { status: 'idle', phase: null, notice: r.value.finished ? done : joinSentences([done, t('store.enhancedCut')]) });
      } else if (r.error.code === 'cancelled') {
        patch('enhance', { status: 'idle', phase: null, notice: t('store.enhanceCancelled') });
      } else {
        patch('enhance', { status: 'idle', phase: null, error: r.error });
      }
    },
    cancel: async () => {
      cancelRequested = true;
      const id = jobId;
      if (id) await rt.handle().engine.cancel(id);
    },
    revert: () => {
      const u = e().undo;
      if (!u || e().status !== 'idle') return;
      write(u.target, u.text);
      patch('enhance', { undo: null, notice: null });
    },
    dismiss: () => patch('enhance', { error: null, notice: null }),
  };
}
