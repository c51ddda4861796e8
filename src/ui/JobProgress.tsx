import { formatDuration, formatMs, type JobState, type JobStatus, type Progress } from '../store/ui.ts';
import { useNow } from './hooks.ts';

const PHASES: Record<Progress['phase'], string> = {
  loading: 'Loading model',
  tokenizing: 'Reading the prompt',
  encoding: 'Encoding the prompt',
  denoising: 'Denoising',
  decoding: 'Decoding the image',
  done: 'Finishing',
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
  const phase = status === 'cancelling' ? 'Cancelling…' : status === 'loading-model' ? 'Loading model' : p ? PHASES[p.phase] : 'Starting';
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
          aria-valuetext={`${phase}${p?.step ? `, step ${p.step} of ${p.steps}` : ''}, ${pct}%`}
        >
          <div style={{ width: `${pct}%` }} />
        </div>
        <div className="progress-meta" aria-live="polite">
          <strong>{phase}</strong>
          {p?.phase === 'denoising' && p.step !== undefined && (
            <span>
              Step {p.step} of {p.steps}
            </span>
          )}
          {count > 1 && (
            <span>
              Image {index + 1} of {count}
            </span>
          )}
          <span>Elapsed {formatDuration(elapsed)}</span>
          {p?.etaMs != null && <span>ETA {formatDuration(p.etaMs)}</span>}
          {p?.gpuStepMs !== undefined && <span title="The GPU's own time for the last step, from timestamp queries">GPU {formatMs(p.gpuStepMs)}/step</span>}
        </div>
      </div>
      <button type="button" className="btn" onClick={onCancel} disabled={status === 'cancelling'}>
        Cancel
      </button>
    </div>
  );
}
