import { useStudio, useStudioShallow } from '../store/index.ts';
import { formatNumber, t } from '../store/ui.ts';
import { ErrorMessage, Notice } from './Messages.tsx';

const PHASE_TEXT = { loading: 'enhance.loadingLm', reading: 'enhance.reading', writing: 'enhance.writing' } as const;

/**
 * Enhance for one prompt box: the loaded text encoder, as a chat model, rewrites the box's text; the result streams
 * into the box (tokens and tokens/s shown), Cancel stops it, Undo puts the original back.
 */
export function EnhanceBar({ target, disabled }: { target: 'create' | 'edit'; disabled?: boolean }) {
  const mine = useStudio((s) => s.enhance.target === target);
  const status = useStudio((s) => s.enhance.status);
  const phase = useStudio((s) => s.enhance.phase);
  const tokens = useStudio((s) => s.enhance.tokens);
  const speed = useStudio((s) => s.enhance.tokensPerSecond);
  const canUndo = useStudio((s) => s.enhance.undo?.target === target);
  const error = useStudio((s) => s.enhance.error);
  const notice = useStudio((s) => s.enhance.notice);
  const a = useStudioShallow((s) => {
    const { enhance, cancel, revert, dismiss } = s.enhance;
    return { enhance, cancel, revert, dismiss };
  });
  const busy = status !== 'idle';
  const running = busy && mine;
  const what = target === 'create' ? t('enhance.whatCreate') : t('enhance.whatEdit');
  return (
    <div className="enhance-bar" data-testid={`enhance-${target}`}>
      <div className="field-row">
        {running ? (
          <button type="button" className="btn small" onClick={() => void a.cancel()}>
            {t('enhance.cancel')}
          </button>
        ) : (
          <button type="button" className="btn small" disabled={busy || disabled} title={what} onClick={() => void a.enhance(target)}>
            {t('enhance.button')}
          </button>
        )}
        {!busy && canUndo && (
          <button type="button" className="btn small" onClick={a.revert}>
            {t('enhance.undo')}
          </button>
        )}
        <span className="muted small" aria-live="polite" data-testid="enhance-status">
          {running ? (status === 'loading-model' ? t('enhance.loadingModel') : [phase ? t(PHASE_TEXT[phase]) : '', tokens ? t('enhance.tokens', { n: tokens }) : '', speed ? t('enhance.speed', { n: formatNumber(speed, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) }) : ''].filter(Boolean).join(' · ')) : ''}
        </span>
      </div>
      {mine && error && <ErrorMessage error={error} title={t('enhance.failed')} onDismiss={a.dismiss} />}
      {mine && notice && !error && <Notice text={notice} onDismiss={a.dismiss} />}
    </div>
  );
}
