/**
 * A term with its plain explanation at hand (GLOSSARY): the word is shown with a dotted underline
 * and a small "?" mark; hovering it, tapping it or moving the keyboard focus onto it shows the
 * explanation in a popover placed inside the window (in document.body, so scrolling panels do
 * not clip it). The explanation is also the term's accessible description. Neither the mark (CSS)
 * nor the popover (a portal) is part of the text around the term.
 */
import { useCallback, useId, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { GLOSSARY, type TermId } from './glossary.ts';

const POP_WIDTH = 280;

export function Term({ id, children }: { id: TermId; children?: ReactNode }) {
  const popId = useId();
  const ref = useRef<HTMLSpanElement>(null);
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);
  const { term, plain } = GLOSSARY[id];
  const show = useCallback(() => {
    const r = ref.current?.getBoundingClientRect();
    if (!r) return;
    const left = Math.max(8, Math.min(r.left, window.innerWidth - POP_WIDTH - 8));
    // Below the term, or above it when there is no room below.
    const below = r.bottom + 6;
    setAt(below + 140 < window.innerHeight ? { left, top: below } : { left, top: Math.max(8, r.top - 146) });
  }, []);
  const hide = useCallback(() => setAt(null), []);
  return (
    <span
      ref={ref}
      className="term"
      tabIndex={0}
      data-term={id}
      aria-describedby={popId}
      onMouseEnter={show}
      onMouseLeave={hide}
      onFocus={show}
      onBlur={hide}
      onClick={(e) => {
        e.preventDefault(); // inside a <label>: do not toggle its control
        show();
      }}
    >
      <span className="term-word">{children ?? term}</span>
      {createPortal(
        <span className="term-pop" role="tooltip" id={popId} data-testid={`term-${id}`} hidden={!at} style={at ? { left: at.left, top: at.top, width: POP_WIDTH } : undefined}>
          <b>{term}</b> {plain}
        </span>,
        document.body,
      )}
    </span>
  );
}
