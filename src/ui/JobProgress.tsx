import { formatDuration, formatMs, t, type JobState, type JobStatus, type MessageKey, type Progress } from '../store/ui.ts';
import { useNow } from './hooks.ts';

const PHASES: Record<Progress['phase'], Extract<MessageKey, `phase.${string}`>> = {
  loading: 'phase.loading',
  tokenizing: 'phase.tokenizing',
  encoding: 'phase.encoding',
  denoising: 'phase.denoising',
  decoding: 'phase.decoding',
  done: 'phase.done',
};

/** Phase, step, elapsed and ETA for a running job (or a model load), with Cancel. */
export function JobProgress({ label, status, job, loadProgress, onCancel }: { label: string; status: JobStatus; job: JobState | null; loadProgress: Progress | null; onCancel: () => void }) {
  const now = useNow(status !== 'idle');
  if (status === 'idle') return null;
  const p = status === 'loading-model' ? loadProgress : job?.progress ?? null;
  const count = job?.count ?? 1;
  const index = job?.index ?? 0;
  const fraction = status === 'loading-model' ? (p?.fraction ?? 0) : (index + (p?.fraction ?? 0)) / count;
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  const phase = status === 'cancelling' ? t('phase.cancelling') : status === 'loading-model' ? t('phase.loading') : p ? t(PHASES[p.phase]) : t('phase.starting');
  const elapsed = job ? now - job.startedAt : (p?.elapsedMs ?? 0);
  const indeterminate = !p || (status === 'loading-model' && !p.fraction);
  return (
    <div className="progress-row">
      <div className="progress">
        <div
          className={`bar${indeterminate ? ' indeterminate' : ''}`}
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={indeterminate ? undefined : pct}
          aria-valuetext={p?.step ? t('progress.valueStep', { phase, step: p.step, steps: p.steps ?? 0, pct }) : t('progress.value', { phase, pct })}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="progress-meta" aria-live="polite">
          <strong>{phase}</strong>
          {p?.phase === 'denoising' && p.step !== undefined && (
            <span>{t('progress.step', { step: p.step, steps: p.steps ?? 0 })}</span>
          )}
          {count > 1 && (
            <span>{t('progress.image', { n: index + 1, count })}</span>
          )}
          <span>{t('progress.elapsed', { time: formatDuration(elapsed) })}</span>
          {p?.etaMs != null && <span>{t('progress.eta', { time: formatDuration(p.etaMs) })}</span>}
          {p?.gpuStepMs !== undefined && <span title={t('progress.gpuHint')}>{t('progress.gpu', { time: formatMs(p.gpuStepMs) })}</span>}
        </div>
      </div>
      <button type="button" className="btn" onClick={onCancel} disabled={status === 'cancelling'}>
        {t('progress.cancel')}
      </button>
    </div>
  );
}
