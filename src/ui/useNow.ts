/** The current time (performance.now), re-read every half second while `active`: drives elapsed / time-left texts. */
import { useEffect, useState } from 'react';

export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(t);
  }, [active]);
  return now;
}
