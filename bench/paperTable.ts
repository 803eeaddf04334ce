/**
 * bench:quality's markdown table, shaped like a paper's: one row per method, one PSNR / SSIM /
 * LPIPS column triple per scene and view count, the best value of each column in bold; failed or
 * impossible runs read "—" with the reason in a numbered note; LPIPS without a model says so.
 */
export interface QualityCell {
  psnr: number;
  ssim: number;
  /** null: no LPIPS model was given. */
  lpips: number | null;
}

export interface CellResult {
  cell?: QualityCell;
  /** Why there is no cell (e.g. the hull start needs masks). */
  error?: string;
}

export interface TableColumn {
  label: string;
}

const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** results[row][column]; rows and columns in table order. */
export function paperTable(rows: readonly string[], columns: readonly TableColumn[], results: readonly (readonly (CellResult | undefined)[])[]): string {
  const notes: string[] = [];
  const noteFor = (msg: string) => {
    let i = notes.indexOf(msg);
    if (i < 0) i = notes.push(msg) - 1;
    return `[${i + 1}]`;
  };
  // Best per column and metric: highest PSNR and SSIM, lowest LPIPS.
  const best = columns.map((_, c) => {
    const cells = results.map((r) => r[c]?.cell).filter((x): x is QualityCell => !!x);
    const lp = cells.map((x) => x.lpips).filter((x): x is number => x !== null);
    if (cells.length < 2) return { psnr: NaN, ssim: NaN, lpips: NaN }; // nothing to compare
    return {
      psnr: Math.max(...cells.map((x) => x.psnr)),
      ssim: Math.max(...cells.map((x) => x.ssim)),
      lpips: lp.length ? Math.min(...lp) : NaN,
    };
  });
  const bold = (text: string, isBest: boolean) => (isBest ? `**${text}**` : text);
  const header = ['method', ...columns.flatMap((c) => [`${c.label} PSNR↑`, 'SSIM↑', 'LPIPS↓'])];
  const lines = [`| ${header.join(' | ')} |`, `|---|${columns.map(() => '---:|---:|---:|').join('')}`];
  for (const [r, name] of rows.entries()) {
    const cells = columns.flatMap((_, c) => {
      const res = results[r][c];
      if (!res?.cell) return [`— ${noteFor(res?.error ?? 'not run')}`, '—', '—'];
      const { psnr, ssim, lpips } = res.cell;
      return [
        bold(fmt(psnr, 2), psnr === best[c].psnr),
        bold(fmt(ssim, 3), ssim === best[c].ssim),
        lpips === null ? 'no model' : bold(fmt(lpips, 3), lpips === best[c].lpips),
      ];
    });
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  if (notes.length) lines.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return lines.join('\n');
}
