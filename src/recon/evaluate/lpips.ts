/**
 * LPIPS (AlexNet, v0.1: the perceptual distance SpaRe and the sparse-view papers report) run as
 * an ONNX model with onnxruntime-web. The contract is models/lpips.json: inputs in0 (render) and
 * in1 (photo), float32 NCHW [1, 3, H, W], RGB bytes mapped to [-1, 1] (x / 255 * 2 - 1, alpha
 * ignored); output out [1, 1, 1, 1]. The model comes as bytes (a dropped file, a file read by the
 * CLI) or from a URL; weights never live in the repository. Without a model there is no LPIPS:
 * callers show "no model", never a made-up number.
 */
import { InputError } from '../../core/errors.ts';
import type { RGBAImage } from '../../core/image.ts';
import lpipsManifestJson from '../../../models/lpips.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';
import { createCheckedSession, floatTensor } from '../../models/onnxSession.ts';

export const LPIPS_MANIFEST: ModelManifest = parseModelManifest(lpipsManifestJson, 'models/lpips.json');

/** Where the model comes from: bytes (with a name for messages) or a URL to fetch. */
export type LpipsSource = { bytes: Uint8Array; name: string } | { url: string };

export interface LpipsScorer {
  /** The manifest's model name and the sha256 of the file actually used (for the report). */
  readonly model: { name: string; file: string; sha256: string };
  /** LPIPS distance between a render and its photo (same size). */
  score(render: RGBAImage, photo: RGBAImage): Promise<number>;
  dispose(): Promise<void>;
}

/** RGB of an image as NCHW float32 planes in [-1, 1] (LPIPS's input range), alpha ignored. */
export function lpipsInput(img: RGBAImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(3 * n);
  const d = img.data;
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) out[c * n + i] = (d[i * 4 + c] / 255) * 2 - 1;
  return out;
}

async function fetchModel(url: string): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new InputError(`cannot download the LPIPS model (${(e as Error).message})`, { file: url });
  }
  if (!res.ok) throw new InputError(`cannot download the LPIPS model: HTTP ${res.status} ${res.statusText}`, { file: url });
  return new Uint8Array(await res.arrayBuffer());
}

export async function loadLpips(source: LpipsSource, manifest: ModelManifest = LPIPS_MANIFEST): Promise<LpipsScorer> {
  const label = 'url' in source ? source.url : source.name;
  const bytes = 'url' in source ? await fetchModel(source.url) : source.bytes;
  const { ort, session, inputShapes, sha256 } = await createCheckedSession(bytes, manifest, label);
  const [in0, in1] = manifest.inputs.map((t) => t.name);
  const outName = manifest.outputs[0].name;
  // Sizes the model fixes (a number where the manifest has "height"/"width").
  const fixedH = inputShapes[0][2], fixedW = inputShapes[0][3];
  return {
    model: { name: manifest.name, file: label, sha256 },
    async score(render, photo) {
      if (render.width !== photo.width || render.height !== photo.height)
        throw new RangeError(`LPIPS: images differ in size (${render.width}x${render.height} vs ${photo.width}x${photo.height})`);
      const { width: W, height: H } = render;
      if ((typeof fixedH === 'number' && fixedH !== H) || (typeof fixedW === 'number' && fixedW !== W))
        throw new InputError(`the LPIPS model only takes ${fixedW}x${fixedH} images, the evaluation is at ${W}x${H}: export it with dynamic height and width`, { file: label });
      const dims = [1, 3, H, W];
      const out = await session.run({ [in0]: floatTensor(ort, lpipsInput(render), dims), [in1]: floatTensor(ort, lpipsInput(photo), dims) });
      const t = out[outName];
      if (!t || t.size !== 1) throw new InputError(`the LPIPS model's output "${outName}" has ${t?.size ?? 0} values, expected 1`, { file: label });
      return Number((t.data as Float32Array)[0]);
    },
    dispose: () => session.release(),
  };
}

function sourceKey(s: LpipsSource): string {
  return 'url' in s ? `url:${s.url}` : `file:${s.name}:${s.bytes.byteLength}`;
}

/**
 * LPIPS scorers for a long-lived evaluator (the app's evaluation worker): the scorer of the last
 * source is kept while the same source is asked for again (a file by name and size, a URL by
 * itself); another source loads anew and disposes the old one; a failed load is not kept.
 * No source: null ("no model").
 */
export function lpipsCache(): (source: LpipsSource | null) => Promise<LpipsScorer | null> {
  let kept: { key: string; scorer: Promise<LpipsScorer> } | null = null;
  return async (source) => {
    if (!source) return null;
    const key = sourceKey(source);
    if (kept?.key !== key) {
      const old = kept;
      const next = loadLpips(source);
      kept = { key, scorer: next };
      next.catch(() => {
        if (kept?.key === key) kept = null;
      });
      void old?.scorer.then((s) => s.dispose()).catch(() => {});
    }
    return kept!.scorer;
  };
}
