import { useId, useState } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { expandPrompts, MAX_BATCH, MAX_EXPANDED_PROMPTS, MAX_STEPS } from '../store/ui.ts';
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
      aria-label="Generation settings"
      onSubmit={(e) => {
        e.preventDefault();
        void g.generate();
      }}
    >
      <div className="field">
        <span className="field-row label-row">
          <label className="field-label" htmlFor={`${id}-prompt`}>
            Prompt
          </label>
          <span id={`${id}-tokens`} className={`token-count${tokens && tokens.tokens > maxTokens ? ' over' : ''}`} aria-live="polite">
            {tokens ? `${tokens.tokens} / ${tokens.max} tokens${tokens.truncated ? ' (the rest is cut off)' : ''}` : ''}
          </span>
        </span>
        <textarea
          id={`${id}-prompt`}
          aria-describedby={`${id}-tokens`}
          rows={4}
          value={params.prompt}
          placeholder="A lighthouse on a cliff at dusk, warm light, mist over the sea…"
          onChange={(e) => g.setPrompt(e.target.value)}
        />
        <EnhanceBar target="create" disabled={busy} />
        <label className="check small" title="Each line is a prompt; {a|b|c} gives one prompt per alternative">
          <input type="checkbox" checked={params.promptPerLine} onChange={(e) => g.setParams({ promptPerLine: e.target.checked })} />
          One prompt per line
        </label>
        {queued > 1 && (
          <p className={`muted small expand-preview${total > MAX_EXPANDED_PROMPTS ? ' warn' : ''}`} data-testid="expand-preview">
            {total > MAX_EXPANDED_PROMPTS ? `${total} prompts: more than the ${MAX_EXPANDED_PROMPTS} that can be queued at once.` : `Queues ${queued} images (${total} prompts × ${params.batchCount} seeds).`}
          </p>
        )}
      </div>

      {guidance && (
        <>
          <label className="field">
            <span className="field-label">Negative prompt</span>
            <textarea rows={2} value={params.negativePrompt} placeholder="What to keep out of the image" onChange={(e) => g.setParams({ negativePrompt: e.target.value })} />
          </label>
          <div className="field">
            <span className="field-row label-row">
              <label className="field-label" htmlFor={`${id}-cfg`}>
                Guidance scale
              </label>
              <span className="muted small">{params.guidanceScale.toFixed(1)}</span>
            </span>
            <input id={`${id}-cfg`} type="range" min={1} max={10} step={0.5} value={params.guidanceScale} onChange={(e) => g.setParams({ guidanceScale: Number(e.target.value) })} />
          </div>
        </>
      )}

      <SizePicker />

      <div className="field-row">
        <label className="field">
          <span className="field-label">Steps</span>
          <input type="number" min={1} max={MAX_STEPS} value={params.steps} onChange={(e) => g.setParams({ steps: clampInt(e.target.value, 1, MAX_STEPS, params.steps) })} />
        </label>
        <label className="field">
          <span className="field-label">Batch count</span>
          <input type="number" min={1} max={MAX_BATCH} value={params.batchCount} onChange={(e) => g.setParams({ batchCount: clampInt(e.target.value, 1, MAX_BATCH, params.batchCount) })} />
        </label>
      </div>

      <div className="seed-row">
        <label className="field">
          <span className="field-label">Seed</span>
          <input
            type="number"
            min={0}
            max={4294967295}
            value={params.seed}
            aria-describedby={`${id}-seedhint`}
            onChange={(e) => g.setParams({ seed: clampInt(e.target.value, 0, 4294967295, params.seed), randomSeed: false })}
          />
        </label>
        <label className="check" title="Pick a new random seed for every image">
          <input type="checkbox" checked={params.randomSeed} onChange={(e) => g.setParams({ randomSeed: e.target.checked })} />
          Random
        </label>
      </div>
      <p id={`${id}-seedhint`} className="muted small hint">
        {params.randomSeed ? 'A new seed for every image (the field shows the last one).' : params.batchCount > 1 ? `Fixed: images use seeds ${params.seed} to ${params.seed + params.batchCount - 1}.` : 'Fixed: the same settings give the same image.'}
      </p>

      <button type="button" className="btn primary big" disabled={enhancing} aria-keyshortcuts="Control+Enter" onClick={() => void g.generate()}>
        Generate <kbd aria-hidden="true">Ctrl</kbd>
        <kbd aria-hidden="true">Enter</kbd>
      </button>
      <CopyLink fragment={g.recipeFragment} />
      {error && <ErrorMessage error={error} title="Generation failed" onDismiss={g.dismiss} />}
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
        Copy link to these settings
      </button>
      <span className="muted small" role="status">
        {copied === 'copied' ? 'Link copied: it holds the settings, not the image.' : copied === 'failed' ? 'The browser did not allow copying.' : ''}
      </span>
    </div>
  );
}

function clampInt(v: string, lo: number, hi: number, fallback: number): number {
  const n = Math.round(Number(v));
  return v.trim() === '' || !Number.isFinite(n) ? fallback : Math.min(hi, Math.max(lo, n));
}
