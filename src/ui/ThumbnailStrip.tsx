/** The loaded views as a strip of thumbnails, each marked with its role in the chosen split. */
import { useEffect, useRef } from 'react';
import type { LoadedView } from '../io/sceneFolder.ts';
import { ROLE_COLORS, ROLE_LABELS } from './roleColors.ts';
import type { ViewRole } from './splits.ts';

interface Props {
  views: LoadedView[];
  roles: Map<string, ViewRole>;
  thumbnails: Map<string, HTMLCanvasElement>;
  onHover: (id: string | null) => void;
}

export function ThumbnailStrip({ views, roles, thumbnails, onHover }: Props) {
  if (views.length === 0) return <div className="strip-empty">No views loaded.</div>;
  return (
    <ol className="strip" data-testid="thumbnails">
      {views.map((v) => {
        const role = roles.get(v.id) ?? 'none';
        return (
          <li
            key={v.id}
            className={`thumb role-${role}`}
            data-testid="thumbnail"
            data-view-id={v.id}
            data-role={role}
            title={`${v.image} — ${v.rgba.width}x${v.rgba.height}${v.camera ? '' : ', no camera'}${v.maskData ? ', with mask' : ''}`}
            onMouseEnter={() => onHover(v.id)}
            onMouseLeave={() => onHover(null)}
            style={{ borderColor: role === 'none' ? undefined : ROLE_COLORS[role] }}
          >
            <ThumbCanvas source={thumbnails.get(v.id)} width={v.rgba.width} height={v.rgba.height} />
            <span className="thumb-label">
              <span className="thumb-id">{v.id}</span>
              {role !== 'none' && (
                <span className="thumb-role" style={{ color: ROLE_COLORS[role] }}>
                  {ROLE_LABELS[role]}
                </span>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function ThumbCanvas({ source, width, height }: { source?: HTMLCanvasElement; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c || !source) return;
    c.width = source.width;
    c.height = source.height;
    c.getContext('2d')?.drawImage(source, 0, 0);
  }, [source]);
  return <canvas ref={ref} className="thumb-img" style={{ aspectRatio: `${width} / ${height}` }} />;
}
