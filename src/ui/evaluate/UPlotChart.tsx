/**
 * A uPlot chart as a React component: made when the options change, fed new data in place, sized
 * to its box's width (ResizeObserver). uPlot draws into a canvas; its legend is HTML.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  testId?: string;
  /** Anything whose change should redraw the chart (state read by draw hooks). */
  redrawOn?: unknown;
}

/** Axis colours of the app's dark theme. */
export const AXIS_STYLE: Partial<uPlot.Axis> = {
  stroke: '#8b93a3',
  grid: { stroke: '#232833', width: 1 },
  ticks: { stroke: '#232833', width: 1 },
  font: '11px system-ui, sans-serif',
  labelFont: '11px system-ui, sans-serif',
};

export function UPlotChart({ options, data, height, testId, redrawOn }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot({ ...options, width: Math.max(120, el.clientWidth), height }, dataRef.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      const w = Math.max(120, el.clientWidth);
      if (Math.abs(w - u.width) > 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      if (plot.current === u) plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    if (plot.current && plot.current.data !== data) plot.current.setData(data);
  }, [data]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [redrawOn]);

  return <div ref={box} className="uplot-box" data-testid={testId} />;
}
