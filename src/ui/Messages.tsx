import type { ReactNode } from 'react';
import type { ErrorData } from '../store/ui.ts';

/** An error from something the person asked for: announced, with its code for tests and support. */
export function ErrorMessage({ error, title, onDismiss, children }: { error: ErrorData; title?: string; onDismiss?: () => void; children?: ReactNode }) {
  return (
    <div className="message error" role="alert">
      <div className="body">
        {title && <strong className="title">{title}</strong>}
        <p data-error-code={error.code}>{error.message}</p>
        {children}
      </div>
      {onDismiss && (
        <button type="button" className="btn ghost small" onClick={onDismiss} aria-label="Dismiss message">
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
        <button type="button" className="btn ghost small" onClick={onDismiss} aria-label="Dismiss notice">
          ✕
        </button>
      )}
    </div>
  );
}
