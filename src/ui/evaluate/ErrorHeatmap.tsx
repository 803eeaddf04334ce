/**
 * The selected view's error heat map (mean |render - photo| over RGB per pixel, viridis) with its
 * colour bar: the bar is drawn from the same colour table, labelled in 8-bit levels.
 */
import { useMemo } from 'react';
import { colorBarTicks, errorMap, heatmapPixels, heatScale, VIRIDIS_LUT, type ImageLike } from './colorMap.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

interface Props {
  render: ImageLike;
  photo: ImageLike;
}

export function ErrorHeatmap({ render, photo }: Props) {
  const { pixels, scale, mean } = useMemo(() => {
    const err = errorMap(render, photo);
    const scale = heatScale(err);
    let sum = 0;
    for (let i = 0; i < err.length; i++) sum += err[i];
    return { pixels: heatmapPixels(err, scale), scale, mean: err.length ? sum / err.length : 0 };
  }, [render, photo]);
  return (
    <div className="eval-heat" data-testid="eval-heatmap-box" data-scale={scale} data-mean-error={mean.toFixed(4)}>
      <ImageCanvas width={render.width} height={render.height} rgba={pixels} testId="eval-heatmap" label="error heat map" />
      <ColorBar scale={scale} />
      <span className="eval-heat-mean">mean error {mean.toFixed(2)} / 255</span>
    </div>
  );
}

/** A vertical viridis bar from 0 (bottom) to `scale` (top), with ticks. */
export function ColorBar({ scale }: { scale: number }) {
  const column = useMemo(() => {
    // 1 x 256 pixels, top = the high end.
    const px = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) {
      const j = (255 - i) * 3;
      px.set([VIRIDIS_LUT[j], VIRIDIS_LUT[j + 1], VIRIDIS_LUT[j + 2], 255], i * 4);
    }
    return px;
  }, []);
  const ticks = colorBarTicks(scale);
  return (
    <div className="colorbar" data-testid="eval-colorbar" title="mean absolute RGB difference, in 8-bit levels (0-255); above the top: saturated">
      <ImageCanvas width={1} height={256} rgba={column} className="colorbar-ramp" style={{ aspectRatio: 'auto' }} />
      <div className="colorbar-ticks">
        {ticks
          .slice()
          .reverse()
          .map((t, i) => (
            <span key={i}>{(i === 0 ? '≥ ' : '') + formatTick(t)}</span>
          ))}
      </div>
    </div>
  );
}

function formatTick(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(1);
}
