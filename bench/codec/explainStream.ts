/**
 * bench:codec --explain-stream: where does the stream lose (or gain) its last hundredths of a dB?
 * The decoded stream is put in the original's splat order (the encoder returns the order it wrote;
 * splats under the opacity cut are left out of both), then each attribute group is swapped alone
 * from the decoded stream into the original ("only this") and alone kept from the original in the
 * decoded stream ("all but this"), as --explain-sog does for SOG. A group whose "only this" row
 * carries the stream's loss is where the quantiser costs held-out PSNR.
 */
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { selectSplats, shCoeffCount } from '../../src/core/gaussianCloud.ts';
import { decodeStream, encodeStreamWithOrder, type EncodeStreamOptions } from '../../src/stream/index.ts';
import { SOG_GROUPS, swapGroup, type ExplainRow } from './explainSog.ts';

/**
 * The swap table of one cloud: `score` gives a cloud's mean test-view PSNR. dPSNR is against the
 * whole original cloud, as in the main table; the first rows are the whole decoded stream and the
 * original without the splats the opacity cut leaves out.
 */
export async function explainStream(cloud: GaussianCloud, score: (c: GaussianCloud) => Promise<number>, encode: EncodeStreamOptions): Promise<ExplainRow[]> {
  const base = await score(cloud);
  const { bytes, order } = encodeStreamWithOrder(cloud, encode);
  const decoded = decodeStream(bytes).cloud;
  if (decoded.count !== order.length) throw new Error(`stream decoded ${decoded.count} splats of ${order.length}`);
  const kept = selectSplats(cloud, order);
  const rows: ExplainRow[] = [
    { group: 'all (stream decoded)', only: (await score(decoded)) - base, allBut: null },
    { group: 'original, the opacity cut alone', only: (await score(kept)) - base, allBut: null },
  ];
  for (const g of SOG_GROUPS) {
    if (g.key === 'sh' && g.from >= 3 * shCoeffCount(cloud.shDegree)) continue;
    rows.push({ group: g.name, only: (await score(swapGroup(kept, decoded, g))) - base, allBut: (await score(swapGroup(decoded, kept, g))) - base });
  }
  return rows;
}
