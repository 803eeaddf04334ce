/**
 * The guided first run: one line that says what to do next, step by step (open photos or pick a
 * sample, Reconstruct, look around, Evaluate, Save), until the first cloud is saved or the line
 * is closed; then it stays away (remembered in localStorage).
 */
import { useCallback, useState } from 'react';

export interface GuideFacts {
  /** A scene is open (photos or a sample). */
  scene: boolean;
  /** The scene's photos have cameras (placed, or from the scene). */
  cameras: boolean;
  /** The masks or poses stage is working on the photos. */
  preparing: boolean;
  training: boolean;
  /** A cloud is shown in the 3D view (a run's or a file's). */
  cloud: boolean;
  /** The person has moved the 3D view since that cloud appeared. */
  looked: boolean;
  evaluating: boolean;
  evaluated: boolean;
  /** A cloud was saved. */
  saved: boolean;
}

export interface GuideStep {
  step: number;
  /** What to do next, in one line. */
  text: string;
}

export const GUIDE_STEPS = 5;

/** The next step for what has happened so far; null once a cloud is saved (the guide is done). */
export function guideStep(f: GuideFacts): GuideStep | null {
  if (f.saved) return null;
  if (!f.scene && !f.cloud) return { step: 1, text: 'Drop 3–9 photos of an object here, or pick a sample scene.' };
  if (f.scene && !f.cameras)
    return { step: 1, text: f.preparing ? 'Finding the object and where each photo was taken…' : 'The photos need camera positions: see Masks and Poses.' };
  if (f.training) return { step: 2, text: 'Training: watch the preview sharpen (time left under Train).' };
  if (!f.cloud) return { step: 2, text: 'Press Reconstruct (right) to build the 3D model.' };
  if (!f.looked) return { step: 3, text: 'Drag in the 3D view to look around the result.' };
  if (f.evaluating) return { step: 4, text: 'Scoring it against photos it never saw…' };
  if (!f.evaluated && f.scene && f.cameras) return { step: 4, text: 'Press Evaluate to score it on photos it never saw.' };
  return { step: 5, text: 'Keep it: Save PLY (Cloud panel) writes a file for any splat viewer.' };
}

const KEY = 'sparse-splat.guide.done';

function readDone(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

/** Whether the guide was finished or closed before, and a way to finish it (remembered). */
export function useGuideDone(): [boolean, () => void] {
  const [done, setDone] = useState(readDone);
  const finish = useCallback(() => {
    setDone(true);
    try {
      localStorage.setItem(KEY, '1');
    } catch {
      // No storage (private mode): it stays away for this page only.
    }
  }, []);
  return [done, finish];
}
