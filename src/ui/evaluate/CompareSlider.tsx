/**
 * Render against photo in one frame: a slider wipes between them (render on the left of the
 * line, photo on the right), or Flicker swaps them twice a second so small shifts jump out.
 */
import { useEffect, useState } from 'react';
import type { ImageLike } from './colorMap.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

interface Props {
  render: ImageLike & { data: Uint8ClampedArray };
  photo: ImageLike & { data: Uint8ClampedArray };
}

export const FLICKER_MS = 500;

export function CompareSlider({ render, photo }: Props) {
  const [split, setSplit] = useState(50);
  const [flicker, setFlicker] = useState(false);
  const [showRender, setShowRender] = useState(true);
  useEffect(() => {
    if (!flicker) return;
    const id = setInterval(() => setShowRender((r) => !r), FLICKER_MS);
    return () => clearInterval(id);
  }, [flicker]);
  const { width, height } = render;
  const showing = flicker ? (showRender ? 'render' : 'photo') : 'wipe';
  return (
    <figure className="eval-compare" data-testid="eval-compare" data-mode={flicker ? 'flicker' : 'slider'} data-showing={showing}>
      <div className="eval-compare-stack" style={{ aspectRatio: `${width} / ${height}` }}>
        <ImageCanvas width={width} height={height} rgba={photo.data} testId="eval-compare-photo" label="photo" />
        <ImageCanvas
          width={width}
          height={height}
          rgba={render.data}
          testId="eval-compare-render"
          label="render"
          className="eval-compare-top"
          style={{ clipPath: flicker ? (showRender ? 'none' : 'inset(0 100% 0 0)') : `inset(0 ${100 - split}% 0 0)` }}
        />
        {!flicker && <div className="eval-compare-line" style={{ left: `${split}%` }} />}
      </div>
      <figcaption className="eval-compare-controls">
        <span>render</span>
        <input
          type="range"
          min={0}
          max={100}
          value={split}
          disabled={flicker}
          aria-label="wipe between render (left) and photo (right)"
          data-testid="eval-compare-slider"
          onChange={(e) => setSplit(Number(e.target.value))}
        />
        <span>photo</span>
        <label className="eval-flicker">
          <input type="checkbox" checked={flicker} data-testid="eval-flicker" onChange={(e) => setFlicker(e.target.checked)} /> flicker
        </label>
        {flicker && <span className="eval-flicker-now">{showRender ? 'render' : 'photo'}</span>}
      </figcaption>
    </figure>
  );
}
