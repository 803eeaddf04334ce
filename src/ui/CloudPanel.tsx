/**
 * The cloud the 3D view shows: what it is, Open cloud… (a .ply, .spz or .splat from any tool, or
 * drop it on the page), and Save as PLY, SPZ or .splat. The progress of a file being read or
 * written shows over the 3D view.
 */
import { useRef } from 'react';
import { ACCEPTED_SPLAT_FILES, type SplatFileFormat } from '../io/splatFile.ts';
import { HiddenFileInput } from './HiddenFileInput.tsx';
import { Term } from './Term.tsx';
import type { CloudJob, ShownCloud } from './useShownCloud.ts';

interface Props {
  shown: ShownCloud | null;
  job: CloudJob | null;
  onOpen: (file: File) => void;
  onSave: (format: SplatFileFormat) => void;
}

const SAVES: { format: SplatFileFormat; label: string; hint: string }[] = [
  { format: 'ply', label: 'Save PLY', hint: '3D Gaussian Splatting .ply: every value as a float, read by every splat tool' },
  { format: 'spz', label: 'Save SPZ', hint: 'Niantic .spz: about 10x smaller than PLY, quantised' },
  { format: 'splat', label: 'Save .splat', hint: 'antimatter15 .splat: 32 bytes per splat, base colour only (no view-dependent colour)' },
];

export function CloudPanel({ shown, job, onOpen, onSave }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const sh = shown?.cloud.shDegree;
  return (
    <section className="panel cloud-panel" aria-labelledby="cloud-title" data-testid="cloud-panel">
      <h2 id="cloud-title">Cloud</h2>
      <dl className="facts">
        <dt>Shown</dt>
        <dd data-testid="cloud-shown" data-kind={shown?.kind ?? 'none'} data-id={shown?.id ?? ''} data-count={shown?.cloud.count ?? 0}>
          {shown ? (
            <>
              {`${shown.label} · ${shown.cloud.count.toLocaleString('en')} splats · `}
              <Term id="shDegree">SH degree</Term> {sh}
            </>
          ) : (
            'none: reconstruct, or open a cloud file'
          )}
        </dd>
      </dl>
      <div className="train-actions">
        <button type="button" className="btn" onClick={() => input.current?.click()} disabled={!!job} title={`Open a ${ACCEPTED_SPLAT_FILES} cloud (or drop it on the page)`} data-testid="cloud-open">
          {job?.kind === 'read' ? 'Reading…' : 'Open cloud…'}
        </button>
        {SAVES.map((s) => (
          <button key={s.format} type="button" className="btn" onClick={() => onSave(s.format)} disabled={!shown || !!job} title={s.hint} data-testid={`cloud-save-${s.format}`}>
            {s.label}
          </button>
        ))}
        <HiddenFileInput ref={input} accept=".ply,.spz,.splat,.gsrq" testId="cloud-input" onFile={onOpen} />
      </div>
    </section>
  );
}
