import type { ReactNode } from 'react';
import { t, type ErrorData } from '../store/ui.ts';

/**
 * An error from something the person asked for: announced, with its code for tests and support. Errors the worker
 * raises carry an English detail; the code becomes a sentence in the interface language, the detail is kept beside
 * it. The store's own 'bad-request' messages are already written in the interface language and stand alone.
 */
export function ErrorMessage({ error, title, onDismiss, children }: { error: ErrorData; title?: string; onDismiss?: () => void; children?: ReactNode }) {
  const lead = error.code === 'bad-request' ? null : t(`error.${error.code}`);
  return (
    <div className="message error" role="alert">
      <div className="body">
        {title && <strong className="title">{title}</strong>}
        {lead && <p className="error-lead">{lead}</p>}
        <p data-error-code={error.code} className={lead ? 'error-detail small' : undefined}>
          {error.message}
        </p>
        {children}
      </div>
      {onDismiss && (
        <button type="button" className="btn ghost small" onClick={onDismiss} aria-label={t('msg.dismiss')}>
          ✕
        </button>
      )}
    </div>
  );
}

/** A quiet status line (cancelled, restored, resized). */
export function Notice({ text, onDismiss }: { text: string; onDismiss?: () => void }) {
  return (
    <div className="message info" role="status">
      <p className="body">{text}</p>
      {onDismiss && (
        <button type="button" className="btn ghost small" onClick={onDismiss} aria-label={t('msg.dismissNotice')}>
          ✕
        </button>
      )}
    </div>
  );
}
