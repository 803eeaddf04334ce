/**
 * The loaded views as a strip of thumbnails, each marked with its role in the chosen split. An
 * estimated mask is drawn over its photo (object tinted, background dimmed), with its area, a
 * warning sign when it looks wrong, and accept / redo / no-mask buttons.
 */
import { useEffect, useRef } from 'react';
import type { LoadedView } from '../io/sceneFolder.ts';
import { ROLE_COLORS, ROLE_LABELS } from './roleColors.ts';
import { GLOSSARY } from './glossary.ts';
import type { ViewRole } from './splits.ts';
import type { EditedMask, MaskChoice } from './useMasks.ts';

export interface MaskActions {
  setChoice: (id: string, choice: MaskChoice) => void;
  redo: (id: string) => void;
}

interface Props {
  views: LoadedView[];
  roles: Map<string, ViewRole>;
  thumbnails: Map<string, HTMLCanvasElement>;
  onHover: (id: string | null) => void;
  /** Estimated masks by view id (views without one show their photo alone). */
  masks?: ReadonlyMap<string, EditedMask>;
  maskActions?: MaskActions;
  /** Photos the Poses stage could not place, and why. */
  unplaced?: { id: string; reason: string }[];
}

export function ThumbnailStrip({ views, roles, thumbnails, onHover, masks, maskActions, unplaced }: Props) {
  if (views.length === 0) return <div className="strip-empty">No views loaded.</div>;
  return (
    <ol className="strip" data-testid="thumbnails">
      {views.map((v) => {
        const role = roles.get(v.id) ?? 'none';
        const m = masks?.get(v.id);
        const notPlaced = unplaced?.find((u) => u.id === v.id);
        return (
          <li
            key={v.id}
            className={`thumb role-${role}`}
            data-testid="thumbnail"
            data-view-id={v.id}
            data-role={role}
            data-mask-area={m ? m.area.toFixed(4) : undefined}
            data-mask-choice={m?.choice}
            data-unplaced={notPlaced ? 'true' : undefined}
            title={`${v.image} — ${v.rgba.width}x${v.rgba.height}${v.camera ? '' : ', no camera'}${v.maskData ? ', with mask' : ''}`}
            onMouseEnter={() => onHover(v.id)}
            onMouseLeave={() => onHover(null)}
            style={{ borderColor: role === 'none' ? undefined : ROLE_COLORS[role] }}
          >
            <span className="thumb-frame">
              <ThumbCanvas source={thumbnails.get(v.id)} width={v.rgba.width} height={v.rgba.height} />
              {m && <MaskOverlay mask={m} width={v.rgba.width} height={v.rgba.height} />}
              {m?.redoing && <span className="thumb-busy">finding…</span>}
            </span>
            <span className="thumb-label">
              <span className="thumb-id">{v.id}</span>
              {notPlaced && (
                <span className="thumb-unplaced" title={`Not placed: ${notPlaced.reason}`} data-testid="thumb-unplaced">
                  not placed
                </span>
              )}
              {role !== 'none' && (
                <span className="thumb-role" style={{ color: ROLE_COLORS[role] }} title={role === 'unused' ? GLOSSARY.notInSplit.plain : undefined}>
                  {ROLE_LABELS[role]}
                </span>
              )}
            </span>
            {m && (
              <span className="thumb-mask-row">
                <span className={`thumb-mask-area${m.warning ? ' warn' : ''}`} title={m.warning ?? undefined} data-testid="thumb-mask-area">
                  {m.warning ? '⚠ ' : ''}
                  {m.choice === 'full' ? 'no mask' : `${(m.area * 100).toFixed(0)}%`}
                </span>
                {maskActions && (
                  <span className="thumb-mask-actions">
                    <MaskButton on={m.choice === 'accepted'} title="Accept this mask" testId="mask-accept" onClick={() => maskActions.setChoice(v.id, 'accepted')}>
                      ✓
                    </MaskButton>
                    <MaskButton on={false} title="Find this mask again" testId="mask-redo" disabled={m.redoing} onClick={() => maskActions.redo(v.id)}>
                      ↻
                    </MaskButton>
                    <MaskButton on={m.choice === 'full'} title="No mask: use the whole photo" testId="mask-none" onClick={() => maskActions.setChoice(v.id, 'full')}>
                      ▢
                    </MaskButton>
                  </span>
                )}
              </span>
            )}
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

function MaskButton(props: { on: boolean; title: string; testId: string; disabled?: boolean; onClick: () => void; children: string }) {
  return (
    <button
      type="button"
      className={`thumb-mask-btn${props.on ? ' on' : ''}`}
      title={props.title}
      aria-label={props.title}
      aria-pressed={props.on}
      disabled={props.disabled}
      data-testid={props.testId}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

/** Object tinted, background dimmed, drawn at the photo's size and scaled by CSS over the thumbnail. */
const OBJECT_TINT = [64, 224, 160, 90] as const;
const BACKGROUND_DIM = [8, 10, 14, 150] as const;

function MaskOverlay({ mask, width, height }: { mask: EditedMask; width: number; height: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || mask.mask.length !== width * height) return;
    c.width = width;
    c.height = height;
    const img = ctx.createImageData(width, height);
    const d = img.data;
    for (let i = 0; i < mask.mask.length; i++) {
      const col = mask.choice === 'full' ? null : mask.mask[i] ? OBJECT_TINT : BACKGROUND_DIM;
      if (!col) continue;
      d[i * 4] = col[0];
      d[i * 4 + 1] = col[1];
      d[i * 4 + 2] = col[2];
      d[i * 4 + 3] = col[3];
    }
    ctx.putImageData(img, 0, 0);
  }, [mask, width, height]);
  return <canvas ref={ref} className="thumb-mask" data-testid="thumb-mask" aria-hidden="true" />;
}
