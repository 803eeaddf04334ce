/** RGBA pixels drawn into a canvas at their own size (CSS scales it; the pixels stay exact for reading back). */
import { useEffect, useRef, type CSSProperties } from 'react';

interface Props {
  width: number;
  height: number;
  /** width*height*4 RGBA bytes. */
  rgba: Uint8ClampedArray;
  testId?: string;
  className?: string;
  style?: CSSProperties;
  label?: string;
}

export function ImageCanvas({ width, height, rgba, testId, className, style, label }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = width;
    c.height = height;
    c.getContext('2d')?.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
  }, [width, height, rgba]);
  return (
    <canvas
      ref={ref}
      data-testid={testId}
      className={className}
      role={label ? 'img' : undefined}
      aria-label={label}
      style={{ aspectRatio: `${width} / ${height}`, ...style }}
    />
  );
}
