/** Errors (as the user must read them), loading progress and short notices. */
export interface Status {
  busy?: { label: string; done: number; total: number };
  error?: string;
  info?: string;
}

export function Messages({ status, onDismiss }: { status: Status; onDismiss: () => void }) {
  const { busy, error, info } = status;
  return (
    <section className="messages" data-testid="messages" aria-live="polite">
      {busy && (
        <div className="msg msg-progress" data-testid="message-progress">
          <span>
            {busy.label}
            {busy.total > 0 ? ` ${busy.done}/${busy.total}` : '…'}
          </span>
          <progress max={busy.total || 1} value={busy.total ? busy.done : undefined} />
        </div>
      )}
      {error && (
        <div className="msg msg-error" role="alert" data-testid="message-error">
          <span className="msg-text">{error}</span>
          <button type="button" className="msg-close" aria-label="Dismiss" onClick={onDismiss}>
            ×
          </button>
        </div>
      )}
      {!busy && !error && info && (
        <div className="msg msg-info" data-testid="message-info">
          {info}
        </div>
      )}
    </section>
  );
}
