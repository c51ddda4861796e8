import { useId, useMemo } from 'react';
import { useStudio, useStudioShallow } from '../store/index.ts';
import { maskCoverage } from '../paint/mask.ts';
import { formatNumber, MAX_STRENGTH, t } from '../store/ui.ts';
import { JobProgress } from './JobProgress.tsx';
import { ErrorMessage, Notice } from './Messages.tsx';
import { EnhanceBar } from './EnhanceBar.tsx';
import { MaskAdjust } from './MaskAdjust.tsx';

/** The edit instruction, strength, Apply edit, progress and the outcome. */
export function EditPanel() {
  const instruction = useStudio((s) => s.editor.instruction);
  const strength = useStudio((s) => s.editor.strength);
  const status = useStudio((s) => s.editor.status);
  const job = useStudio((s) => s.editor.job);
  const error = useStudio((s) => s.editor.error);
  const notice = useStudio((s) => s.editor.notice);
  const hasSource = useStudio((s) => s.editor.source !== null);
  const loadProgress = useStudio((s) => s.models.loadProgress);
  const painter = useStudio((s) => s.editor.painter);
  const revision = useStudio((s) => s.editor.revision);
  // The painter is mutated in place: re-count on each committed change of the mask (revision), never per pointer
  // move nor on unrelated store changes (it walks every pixel).
  // eslint-disable-next-line react-hooks/exhaustive-deps -- revision is the mutable mask's version
  const coverage = useMemo(() => (painter ? maskCoverage(painter.mask) : 0), [painter, revision]);
  const ed = useStudioShallow((s) => {
    const { setInstruction, setStrength, applyEdit, cancelEdit, dismiss } = s.editor;
    return { setInstruction, setStrength, applyEdit, cancelEdit, dismiss };
  });
  const busy = status !== 'idle';
  const id = useId();
  return (
    <section className="panel edit-panel" aria-label={t('edit.label')}>
      <label className="field">
        <span className="field-label">{t('edit.instruction')}</span>
        <textarea rows={4} value={instruction} placeholder={t('edit.placeholder')} onChange={(e) => ed.setInstruction(e.target.value)} />
      </label>
      <EnhanceBar target="edit" disabled={busy || !hasSource} />
      <div className="field">
        <span className="field-row label-row">
          <label className="field-label" htmlFor={`${id}-strength`}>
            {t('edit.strength')}
          </label>
          <span className="muted small">{Math.round(strength * 100)}%</span>
        </span>
        <input id={`${id}-strength`} aria-describedby={`${id}-strength-hint`} type="range" min={0.05} max={MAX_STRENGTH} step={0.05} value={strength} onChange={(e) => ed.setStrength(Number(e.target.value))} aria-valuetext={`${Math.round(strength * 100)}%`} />
        <span id={`${id}-strength-hint`} className="muted small">
          {t('edit.strengthHint')}
        </span>
      </div>
      <p className="muted small mask-info" data-testid="mask-coverage">
        {!hasSource ? t('edit.noImage') : coverage === 0 ? t('edit.noMask') : t('edit.coverage', { pct: formatNumber(coverage * 100, { minimumFractionDigits: coverage < 0.01 ? 2 : 1, maximumFractionDigits: coverage < 0.01 ? 2 : 1 }) })}
      </p>
      <MaskAdjust />
      <button type="button" className="btn primary big" disabled={!hasSource} onClick={() => void ed.applyEdit()} aria-keyshortcuts="Control+Enter">
        {t('edit.apply')} <kbd aria-hidden="true">Ctrl</kbd>
        <kbd aria-hidden="true">Enter</kbd>
      </button>
      {busy && <JobProgress label={t('edit.progress')} status={status} job={job} loadProgress={loadProgress} onCancel={() => void ed.cancelEdit()} />}
      {error && <ErrorMessage error={error} title={t('edit.failed')} onDismiss={ed.dismiss} />}
      {notice && !error && <Notice text={notice} onDismiss={ed.dismiss} />}
    </section>
  );
}
