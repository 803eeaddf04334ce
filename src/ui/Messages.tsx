/**
 * Errors (as the user must read them), loading progress and short notices: one line at the end
 * of the views bar (App.tsx), the whole text in its tooltip; an error opens to its whole text
 * when clicked (or with Enter), over the 3D view.
 */
import { useEffect, useState } from 'react';

export interface Status {
  busy?: { label: string; done: number; total: number };
  error?: string;
  info?: string;
}

export function Messages({ status, onDismiss }: { status: Status; onDismiss: () => void }) {
  const { busy, error, info } = status;
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [error]);
  const busyText = busy ? `${busy.label}${busy.total > 0 ? ` ${busy.done}/${busy.total}` : '…'}` : '';
  return (
    <section className="messages" data-testid="messages" aria-live="polite">
      {busy && (
        <div className="msg msg-progress" data-testid="message-progress" title={busyText}>
          <span>{busyText}</span>
          <progress max={busy.total || 1} value={busy.total ? busy.done : undefined} />
        </div>
      )}
      {error && (
        <div
          className={`msg msg-error${open ? ' open' : ''}`}
          role="alert"
          data-testid="message-error"
          title={open ? undefined : `${error}\n(click to read it all)`}
          tabIndex={0}
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              setOpen((o) => !o);
            }
          }}
        >
          <span className="msg-text">{error}</span>
          <button
            type="button"
            className="msg-close"
            aria-label="Dismiss"
            onClick={(e) => {
              e.stopPropagation();
              onDismiss();
            }}
          >
            ×
          </button>
        </div>
      )}
      {!busy && !error && info && (
        <div className="msg msg-info" data-testid="message-info" title={info}>
          {info}
        </div>
      )}
    </section>
  );
}
