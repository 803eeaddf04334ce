/**
 * Kept training sessions: a banner for the run the page lost (reload, closed tab, crash) with
 * Resume and Discard, and the list of all sessions with their step, size and Delete (Resume for
 * any stopped one with a checkpoint). Names are rendered as text (React escapes them).
 */
import { useState } from 'react';
import type { SessionMeta } from './sessionStore.ts';
import type { Sessions } from './useSessions.ts';

const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

export function ResumeBanner({ session, onResume, onDiscard }: { session: SessionMeta; onResume: () => void; onDiscard: () => void }) {
  return (
    <div className="resume-banner" data-testid="resume-banner" data-session={session.id} data-step={session.checkpointStep}>
      <span>
        Training of “{session.name}” stopped at step {session.checkpointStep} of {session.iterations} when the page closed. Go on from there?
      </span>
      <button type="button" className="btn primary" data-testid="resume-session" onClick={onResume}>
        Resume
      </button>
      <button type="button" className="btn" data-testid="discard-session" onClick={onDiscard}>
        Not now
      </button>
    </div>
  );
}

export function SessionsList({ sessions, onResume }: { sessions: Sessions; onResume: (s: SessionMeta) => void }) {
  if (!sessions.list) return null;
  return (
    <details className="sessions" data-testid="sessions">
      <summary>Kept sessions ({sessions.list.length})</summary>
      <ul>
        <li>
          <label className="btn" title="A session exported from this app (.session.zip)">
            Import session…
            <input
              type="file"
              accept=".zip"
              hidden
              data-testid="session-import"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) sessions.importZip(f);
                e.target.value = '';
              }}
            />
          </label>
        </li>
        {sessions.list.map((s) => (
          <li key={s.id} data-testid="session" data-status={s.status}>
            <SessionName name={s.name} onRename={(name) => sessions.rename(s.id, name)} /> · {s.status === 'finished' ? 'finished' : `step ${s.checkpointStep} of ${s.iterations}`} · {mb(s.bytes)}
            {s.status !== 'finished' && s.checkpointStep > 0 && (
              <button type="button" className="btn" onClick={() => onResume(s)}>
                Resume
              </button>
            )}
            <button type="button" className="btn" data-testid="session-export" onClick={() => sessions.exportZip(s.id)}>
              Export
            </button>
            <button type="button" className="btn" data-testid="session-delete" onClick={() => sessions.remove(s.id)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

/** A kept session's name; Rename turns it into a text field (Enter keeps, Escape leaves it as it was). */
function SessionName({ name, onRename }: { name: string; onRename: (name: string) => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (editing === null)
    return (
      <>
        <span className="session-name" data-testid="session-name">
          {name}
        </span>{' '}
        <button type="button" className="link" data-testid="session-rename" onClick={() => setEditing(name)} title="Give this session another name">
          rename
        </button>
      </>
    );
  return (
    <form
      className="session-rename"
      onSubmit={(e) => {
        e.preventDefault();
        const next = editing.trim();
        if (next && next !== name) onRename(next.slice(0, 200));
        setEditing(null);
      }}
    >
      <input
        type="text"
        value={editing}
        maxLength={200}
        autoFocus
        aria-label="Session name"
        data-testid="session-name-input"
        onChange={(e) => setEditing(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setEditing(null);
        }}
      />
    </form>
  );
}
