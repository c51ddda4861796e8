import { useId, useState } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { expandPrompts, formatNumber, MAX_BATCH, MAX_EXPANDED_PROMPTS, MAX_STEPS, MIN_STEPS, t } from '../store/ui.ts';
import { SizePicker } from './SizePicker.tsx';
import { ErrorMessage, Notice } from './Messages.tsx';
import { EnhanceBar } from './EnhanceBar.tsx';

/** The generate settings: prompt with a live token count, size, steps, seed, guidance, batch, and Generate. */
export function PromptForm() {
  const id = useId();
  const params = useStudio((s) => s.generate.params);
  const tokens = useStudio((s) => s.generate.tokens);
  const status = useStudio((s) => s.generate.status);
  const error = useStudio((s) => s.generate.error);
  const notice = useStudio((s) => s.generate.notice);
  const loaded = useStudio((s) => s.models.loaded);
  const enhancing = useStudio((s) => s.enhance.status !== 'idle');
  // Only the (stable) actions: the whole slice changes on every progress report of a running job.
  const g = useStudioShallow((s) => {
    const { generate, setPrompt, setParams, dismiss, recipeFragment } = s.generate;
    return { generate, setPrompt, setParams, dismiss, recipeFragment };
  });
  const busy = status !== 'idle';
  const guidance = loaded?.capabilities.guidance ?? false;
  const maxTokens = tokens?.max ?? loaded?.capabilities.maxTokens ?? 512;
  const { total } = expandPrompts(params.prompt, { perLine: params.promptPerLine, cap: 1 });
  const queued = total * params.batchCount;

  return (
    <form
      className="panel prompt-form"
      aria-label={t('form.label')}
      onSubmit={(e) => {
        e.preventDefault();
        void g.generate();
      }}
    >
      <div className="field">
        <span className="field-row label-row">
          <label className="field-label" htmlFor={`${id}-prompt`}>
            {t('form.prompt')}
          </label>
          <span id={`${id}-tokens`} className={`token-count${tokens && tokens.tokens > maxTokens ? ' over' : ''}`} aria-live="polite">
            {tokens ? t(tokens.truncated ? 'form.tokensCut' : 'form.tokens', { tokens: tokens.tokens, max: tokens.max }) : ''}
          </span>
        </span>
        <textarea
          id={`${id}-prompt`}
          aria-describedby={`${id}-tokens`}
          rows={4}
          value={params.prompt}
          placeholder={t('form.promptPlaceholder')}
          onChange={(e) => g.setPrompt(e.target.value)}
        />
        <EnhanceBar target="create" disabled={busy} />
        <label className="check small" title={t('form.perLineHint')}>
          <input type="checkbox" checked={params.promptPerLine} onChange={(e) => g.setParams({ promptPerLine: e.target.checked })} />
          {t('form.perLine')}
        </label>
        {queued > 1 && (
          <p className={`muted small expand-preview${total > MAX_EXPANDED_PROMPTS ? ' warn' : ''}`} data-testid="expand-preview">
            {total > MAX_EXPANDED_PROMPTS ? t('form.expandTooMany', { prompts: formatNumber(total), max: MAX_EXPANDED_PROMPTS }) : t('form.expandPreview', { images: queued, prompts: total, seeds: params.batchCount })}
          </p>
        )}
      </div>

      {guidance && (
        <>
          <label className="field">
            <span className="field-label">{t('form.negative')}</span>
            <textarea rows={2} value={params.negativePrompt} placeholder={t('form.negativePlaceholder')} onChange={(e) => g.setParams({ negativePrompt: e.target.value })} />
          </label>
          <div className="field">
            <span className="field-row label-row">
              <label className="field-label" htmlFor={`${id}-cfg`}>
                {t('form.guidance')}
              </label>
              <span className="muted small">{formatNumber(params.guidanceScale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}</span>
            </span>
            <input id={`${id}-cfg`} type="range" min={1} max={10} step={0.5} value={params.guidanceScale} onChange={(e) => g.setParams({ guidanceScale: Number(e.target.value) })} />
          </div>
        </>
      )}

      <SizePicker />

      <div className="field-row">
        <label className="field">
          <span className="field-label">{t('form.steps')}</span>
          <input type="number" min={MIN_STEPS} max={MAX_STEPS} value={params.steps} onChange={(e) => g.setParams({ steps: clampInt(e.target.value, MIN_STEPS, MAX_STEPS, params.steps) })} />
        </label>
        <label className="field">
          <span className="field-label">{t('form.batch')}</span>
          <input type="number" min={1} max={MAX_BATCH} value={params.batchCount} onChange={(e) => g.setParams({ batchCount: clampInt(e.target.value, 1, MAX_BATCH, params.batchCount) })} />
        </label>
      </div>

      <div className="seed-row">
        <label className="field">
          <span className="field-label">{t('form.seed')}</span>
          <input
            type="number"
            min={0}
            max={4294967295}
            value={params.seed}
            aria-describedby={`${id}-seedhint`}
            onChange={(e) => g.setParams({ seed: clampInt(e.target.value, 0, 4294967295, params.seed), randomSeed: false })}
          />
        </label>
        <label className="check" title={t('form.randomHint')}>
          <input type="checkbox" checked={params.randomSeed} onChange={(e) => g.setParams({ randomSeed: e.target.checked })} />
          {t('form.random')}
        </label>
      </div>
      <p id={`${id}-seedhint`} className="muted small hint">
        {params.randomSeed ? t('form.seedRandom') : params.batchCount > 1 ? t('form.seedRange', { from: params.seed, to: params.seed + params.batchCount - 1 }) : t('form.seedFixed')}
      </p>

      <button type="button" className="btn primary big" disabled={enhancing} aria-keyshortcuts="Control+Enter" onClick={() => void g.generate()}>
        {t('form.generate')} <kbd aria-hidden="true">Ctrl</kbd>
        <kbd aria-hidden="true">Enter</kbd>
      </button>
      <CopyLink fragment={g.recipeFragment} />
      {error && <ErrorMessage error={error} title={t('form.failed')} onDismiss={g.dismiss} />}
      {notice && !error && <Notice text={notice} onDismiss={g.dismiss} />}
    </form>
  );
}

/** Copies a link that carries these settings (not the image) in its fragment, which never reaches a server. */
function CopyLink({ fragment }: { fragment: () => string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <div className="copy-link">
      <button
        type="button"
        className="btn small"
        onClick={() => {
          const url = location.origin + location.pathname + fragment();
          navigator.clipboard.writeText(url).then(
            () => setCopied('copied'),
            () => setCopied('failed'),
          );
        }}
      >
        {t('form.copyLink')}
      </button>
      <span className="muted small" role="status">
        {copied === 'copied' ? t('form.copied') : copied === 'failed' ? t('form.copyFailed') : ''}
      </span>
    </div>
  );
}

function clampInt(v: string, lo: number, hi: number, fallback: number): number {
  const n = Math.round(Number(v));
  return v.trim() === '' || !Number.isFinite(n) ? fallback : Math.min(hi, Math.max(lo, n));
}
