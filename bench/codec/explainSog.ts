/**
 * bench:codec --explain-sog: why does PlayCanvas SOG decode ABOVE the uncompressed cloud on
 * held-out views? The SOG-decoded cloud is aligned splat for splat with the original (SOG stores
 * splats in Morton order; splat-transform's own Morton sort gives that order, and the alignment
 * is checked against the decoded positions), then each attribute group is swapped alone from
 * the SOG-decoded cloud into the original ("only this"), and alone kept from the original in the
 * SOG-decoded cloud ("all but this"). A group whose "only this" row carries SOG's gain, and
 * whose "all but this" row loses it, is where the gain comes from. Then the suspects for the
 * opacity group, each alone on the original cloud: SOG's opacity quantiser (floor(255 a) / 255),
 * a plain shift of half a step, and leaving out the splats under k/255 (the stream's minOpacity).
 */
import { sortMortonInterleaved } from '@playcanvas/splat-transform';
import type { GaussianCloud } from '../../src/core/gaussianCloud.ts';
import { logit, shCoeffCount, sigmoid } from '../../src/core/gaussianCloud.ts';
import { sogRoundTrip } from './peers.ts';

/** An attribute group: which values of each splat it covers, by array. */
export interface AttributeGroup {
  name: string;
  key: 'means' | 'logScales' | 'quats' | 'opacityLogits' | 'sh';
  /** The slice [from, to) of the splat's values in that array (to: null = to the end). */
  from: number;
  to: number | null;
}

export const SOG_GROUPS: AttributeGroup[] = [
  { name: 'positions', key: 'means', from: 0, to: null },
  { name: 'rotations', key: 'quats', from: 0, to: null },
  { name: 'scales', key: 'logScales', from: 0, to: null },
  { name: 'opacity', key: 'opacityLogits', from: 0, to: null },
  { name: 'DC colour', key: 'sh', from: 0, to: 3 },
  { name: 'SH rest', key: 'sh', from: 3, to: null },
];

function copyCloud(c: GaussianCloud): GaussianCloud {
  return { ...c, means: c.means.slice(), logScales: c.logScales.slice(), quats: c.quats.slice(), opacityLogits: c.opacityLogits.slice(), sh: c.sh.slice() };
}

/** `into` with group g's values taken from `from` (same splat order, same SH degree). */
export function swapGroup(into: GaussianCloud, from: GaussianCloud, g: AttributeGroup): GaussianCloud {
  const out = copyCloud(into);
  const stride = g.key === 'sh' ? 3 * shCoeffCount(into.shDegree) : out[g.key].length / Math.max(1, out.count);
  const to = g.to ?? stride;
  for (let i = 0; i < out.count; i++) for (let d = g.from; d < to; d++) out[g.key][i * stride + d] = from[g.key][i * stride + d];
  return out;
}

/**
 * The SOG-decoded cloud in the original's splat order. SOG writes splats in the Morton order of
 * their positions (splat-transform's sortMortonInterleaved); the inverse of that permutation puts
 * them back. Throws when a decoded position is far from its splat's (the order was not the one
 * the writer used), so the swaps below never mix up splats silently.
 */
export function alignSogDecoded(original: GaussianCloud, decoded: GaussianCloud): GaussianCloud {
  const n = original.count;
  if (decoded.count !== n) throw new Error(`SOG decoded ${decoded.count} splats of ${n}`);
  const order = new Uint32Array(n).map((_, i) => i);
  sortMortonInterleaved(original.means.slice(), order);
  const out = copyCloud(decoded);
  const K3 = 3 * shCoeffCount(original.shDegree);
  let extent = 0;
  for (let a = 0; a < 3; a++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, original.means[3 * i + a]);
      hi = Math.max(hi, original.means[3 * i + a]);
    }
    extent = Math.max(extent, hi - lo);
  }
  for (let row = 0; row < n; row++) {
    const g = order[row];
    for (let a = 0; a < 3; a++) {
      out.means[3 * g + a] = decoded.means[3 * row + a];
      out.logScales[3 * g + a] = decoded.logScales[3 * row + a];
      // 16-bit positions on a log-warped axis: far under 1% of the extent off.
      if (Math.abs(decoded.means[3 * row + a] - original.means[3 * g + a]) > 0.01 * extent) throw new Error(`SOG alignment: row ${row} is not splat ${g}`);
    }
    for (let d = 0; d < 4; d++) out.quats[4 * g + d] = decoded.quats[4 * row + d];
    out.opacityLogits[g] = decoded.opacityLogits[row];
    for (let d = 0; d < K3; d++) out.sh[K3 * g + d] = decoded.sh[K3 * row + d];
  }
  return out;
}

export interface ExplainRow {
  group: string;
  /** dPSNR of the original with only this group from SOG (or with only this change). */
  only: number;
  /** dPSNR of the SOG-decoded cloud with only this group from the original (null: not a group). */
  allBut: number | null;
}

/** The original with every opacity mapped by f (0..1 -> 0..1). */
function mapOpacity(c: GaussianCloud, f: (a: number) => number): GaussianCloud {
  const out = copyCloud(c);
  for (let i = 0; i < out.count; i++) out.opacityLogits[i] = logit(Math.min(1 - 1e-6, Math.max(1e-6, f(sigmoid(out.opacityLogits[i])))));
  return out;
}

/** The opacity changes tried alone on the original (the splats under k/255 are made invisible). */
export const OPACITY_SUSPECTS: [string, (a: number) => number][] = [
  ["opacity floor(255 a) / 255 alone (SOG's quantiser)", (a) => Math.floor(a * 255) / 255],
  ['opacity - 0.5/255 alone', (a) => a - 0.5 / 255],
  ...[2, 4, 6, 8].map((k): [string, (a: number) => number] => [`splats under ${k}/255 left out`, (a) => (a < k / 255 ? 0 : a)]),
];

/**
 * The swap table of one cloud: `score` gives a cloud's mean test-view PSNR. The first row is the
 * whole SOG-decoded cloud (aligned), whose dPSNR is SOG's row in the main table.
 */
export async function explainSog(cloud: GaussianCloud, score: (c: GaussianCloud) => Promise<number>): Promise<ExplainRow[]> {
  const base = await score(cloud);
  const sog = alignSogDecoded(cloud, await sogRoundTrip(cloud));
  const whole = (await score(sog)) - base;
  const rows: ExplainRow[] = [{ group: 'all (SOG decoded)', only: whole, allBut: null }];
  for (const g of SOG_GROUPS) {
    if (g.key === 'sh' && g.from >= 3 * shCoeffCount(cloud.shDegree)) continue;
    rows.push({ group: g.name, only: (await score(swapGroup(cloud, sog, g))) - base, allBut: (await score(swapGroup(sog, cloud, g))) - base });
  }
  for (const [name, f] of OPACITY_SUSPECTS) rows.push({ group: name, only: (await score(mapOpacity(cloud, f))) - base, allBut: null });
  return rows;
}
