import { useStudio, useStudioShallow } from '../store/index.ts';
import { ErrorMessage, Notice } from './Messages.tsx';

const PHASE_TEXT = { loading: 'Loading the language model…', reading: 'Reading your prompt…', writing: 'Writing…' } as const;

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
  const what = target === 'create' ? 'Rewrite the prompt as a detailed one' : 'Turn the instruction (and the image’s own prompt) into a prompt for the masked region';
  return (
    <div className="enhance-bar" data-testid={`enhance-${target}`}>
      <div className="field-row">
        {running ? (
          <button type="button" className="btn small" onClick={() => void a.cancel()}>
            Cancel enhance
          </button>
        ) : (
          <button type="button" className="btn small" disabled={busy || disabled} title={`${what}, on this device`} onClick={() => void a.enhance(target)}>
            ✨ Enhance
          </button>
        )}
        {!busy && canUndo && (
          <button type="button" className="btn small" onClick={a.revert}>
            Undo enhance
          </button>
        )}
        <span className="muted small" aria-live="polite" data-testid="enhance-status">
          {running ? (status === 'loading-model' ? 'Loading the model…' : `${phase ? PHASE_TEXT[phase] : ''}${tokens ? ` ${tokens} tokens` : ''}${speed ? `, ${speed.toFixed(1)} tokens/s` : ''}`) : ''}
        </span>
      </div>
      {mine && error && <ErrorMessage error={error} title="Enhance failed" onDismiss={a.dismiss} />}
      {mine && notice && !error && <Notice text={notice} onDismiss={a.dismiss} />}
    </div>
  );
}
