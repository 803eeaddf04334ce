/**
 * A kept session as one zip, to move it to another browser or keep it outside one:
 * - session.json: the session (name, scene, settings, split, status) and the checkpoint's small
 *   fields (step, seed, Adam's step count, the metrics so far, the cloud's size);
 * - checkpoint/<array>.f32 (cloud, m.<array>.f32, v.<array>.f32): the cloud and Adam's moments as
 *   raw little-endian float32, their lengths checked against the cloud's size on import;
 * - scene/: for a scene that is not bundled, a scene folder (scene.json, images/, masks/ as PNG)
 *   read back with the ordinary scene reader.
 * An import is untrusted input like any other: every failure is an InputError naming the field.
 */
import { zipSync } from 'fflate';
import { z } from 'zod';
import '../../core/zodNoEval.ts';
import { formatFieldPath, InputError } from '../../core/errors.ts';
import { CLOUD_ARRAY_KEYS, cloudArrayLengths, type CloudArrays } from '../../core/cloud/arrays.ts';
import { encodeGreyPng, encodePng } from '../../core/image.ts';
import { memorySource } from '../../io/fileSource.ts';
import { loadScene, type LoadedScene } from '../../io/sceneFolder.ts';
import { cameraSchema, serializeSceneManifest } from '../../io/sceneFormat.ts';
import { unzipChecked } from '../../io/unzip.ts';
import { CAMERA_REFINE_DIMS, type CameraRefineState } from '../../recon/train/cameraRefine.ts';
import { CHECKPOINT_VERSION, type TrainCheckpoint } from '../../recon/train/checkpoint.ts';
import { DEFAULT_QUALITY, QUALITY_PRESETS } from '../../recon/train/qualityPresets.ts';
import type { SessionMeta } from './sessionStore.ts';

const FORMAT = 'sparse-splat-session';

const progress = z.object({
  step: z.number().int().min(0), iterations: z.number().int().min(0), loss: z.number(), l1: z.number(), ssim: z.number(),
  psnr: z.number().nullable(), splats: z.number().int().min(0), elapsedMs: z.number(), phase: z.enum(['init', 'cameras', 'train']),
});

const sessionFile = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  meta: z.object({
    name: z.string().min(1).max(500),
    scene: z.union([z.object({ kind: z.literal('bundled'), name: z.string(), title: z.string() }), z.object({ kind: z.literal('stored'), title: z.string() })]),
    split: z.string().nullable(),
    settings: z.object({
      iterations: z.number().int().min(1).max(1e6), init: z.enum(['hull', 'random', 'stereo']), initSplats: z.number().int().min(1).max(1e8), size: z.enum(['full', 'half', 'quarter']),
      maxSplats: z.number().int().min(1).max(1e8).optional(),
      // Sessions written before the Quality setting have no levers: they take the default level's.
      levers: z
        .object({
          densifySchedule: z.enum(['scaled-3dgs', 'short-run', 'frequent']), dropout: z.number().min(0).max(0.9),
          scaleReg: z.number().min(0).max(100), opacityReg: z.number().min(0).max(100), anisoReg: z.number().min(0).max(100),
          // Sessions written before the final prune trained without it.
          finalPrune: z.number().min(0).max(0.5).default(0),
          // Sessions written before co-regularisation trained one cloud.
          coReg: z.boolean().default(false),
          // Sessions written before the photo-consistency trained without it.
          photoConsistencyWeight: z.number().min(0).max(100).default(0),
        })
        .default(QUALITY_PRESETS[DEFAULT_QUALITY].levers),
    }),
    status: z.enum(['training', 'finished', 'stopped']),
  }),
  checkpoint: z
    .object({
      version: z.literal(CHECKPOINT_VERSION),
      step: z.number().int().min(1),
      iterations: z.number().int().min(1),
      seed: z.number().int().min(0),
      adamSteps: z.number().int().min(0),
      count: z.number().int().min(1).max(1e8),
      shDegree: z.number().int().min(0).max(3),
      antialiased: z.boolean().optional(),
      history: z.array(progress).max(1e6),
      // Runs that refined cameras (checkpoint.ts cameraRefine); sessions written before lack it.
      cameraRefine: z
        .object({
          start: z.array(cameraSchema).max(1000),
          cameras: z.array(cameraSchema).max(1000),
          m1: z.array(z.array(z.number()).length(CAMERA_REFINE_DIMS)).max(1000),
          m2: z.array(z.array(z.number()).length(CAMERA_REFINE_DIMS)).max(1000),
          updates: z.array(z.number().int().min(0)).max(1000),
        })
        .optional(),
    })
    .nullable(),
});

const enc = new TextEncoder();
const f32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export function sessionToZip(meta: SessionMeta, checkpoint: TrainCheckpoint | null, scene: LoadedScene | null): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const { name, scene: sceneRef, split, settings, status } = meta;
  const ck = checkpoint && {
    version: checkpoint.version, step: checkpoint.step, iterations: checkpoint.iterations, seed: checkpoint.seed, adamSteps: checkpoint.adamSteps,
    count: checkpoint.cloud.count, shDegree: checkpoint.cloud.shDegree, antialiased: checkpoint.cloud.antialiased, history: checkpoint.history,
    ...(checkpoint.cameraRefine ? { cameraRefine: checkpoint.cameraRefine } : {}),
  };
  // JSON has no Infinity: a PSNR of a perfect fit is written as null.
  files['session.json'] = enc.encode(JSON.stringify({ format: FORMAT, version: 1, meta: { name, scene: sceneRef, split, settings, status }, checkpoint: ck }, (_k, v) => (v === Infinity ? null : v), 1));
  if (checkpoint)
    for (const key of CLOUD_ARRAY_KEYS) {
      files[`checkpoint/cloud.${key}.f32`] = f32(checkpoint.cloud[key]);
      files[`checkpoint/m.${key}.f32`] = f32(checkpoint.moments.m[key]);
      files[`checkpoint/v.${key}.f32`] = f32(checkpoint.moments.v[key]);
    }
  if (scene && sceneRef.kind === 'stored') {
    const manifest = { ...scene.manifest, views: scene.views.map((v) => ({ id: v.id, image: `images/${v.id}.png`, ...(v.maskData ? { mask: `masks/${v.id}.png` } : {}), ...(v.camera ? { camera: v.camera } : {}), ...(v.cameraGuess ? { cameraGuess: true } : {}) })) };
    files['scene/scene.json'] = enc.encode(serializeSceneManifest(manifest));
    for (const v of scene.views) {
      files[`scene/images/${v.id}.png`] = encodePng(v.rgba);
      if (v.maskData) files[`scene/masks/${v.id}.png`] = encodeGreyPng(v.rgba.width, v.rgba.height, v.maskData.map((x) => (x ? 255 : 0)));
    }
  }
  return zipSync(files, { level: 6 });
}

export interface ImportedSession {
  meta: Omit<SessionMeta, 'id' | 'createdAt' | 'updatedAt' | 'bytes' | 'sceneBytes' | 'checkpointStep'>;
  checkpoint: TrainCheckpoint | null;
  scene: LoadedScene | null;
}

export async function sessionFromZip(bytes: Uint8Array, file: string): Promise<ImportedSession> {
  const entries = unzipChecked(bytes, file);
  const jsonBytes = entries['session.json'];
  if (!jsonBytes) throw new InputError('is not a kept session (no session.json): export one from the Kept sessions list', { file });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(jsonBytes));
  } catch (e) {
    throw new InputError(`is not valid JSON (${(e as Error).message})`, { file: `${file}/session.json` });
  }
  const res = sessionFile.safeParse(json);
  if (!res.success) throw new InputError(res.error.issues[0].message, { file: `${file}/session.json`, field: formatFieldPath(res.error.issues[0].path) });
  const { meta, checkpoint: ck } = res.data;
  let checkpoint: TrainCheckpoint | null = null;
  if (ck) {
    const lengths = cloudArrayLengths(ck.count, ck.shDegree);
    const read = (prefix: string): CloudArrays => {
      const out = {} as CloudArrays;
      for (const key of CLOUD_ARRAY_KEYS) {
        const name = `checkpoint/${prefix}.${key}.f32`;
        const raw = entries[name];
        if (!raw || raw.byteLength !== 4 * lengths[key])
          throw new InputError(`${raw ? `has ${raw.byteLength} bytes` : 'is missing'}; ${ck.count} splats need ${4 * lengths[key]}`, { file: `${file}/${name}` });
        out[key] = new Float32Array(raw.slice().buffer);
      }
      return out;
    };
    const cloud = { count: ck.count, shDegree: ck.shDegree, ...(ck.antialiased ? { antialiased: true } : {}), ...read('cloud') };
    const history = ck.history.map((p) => ({ ...p, psnr: p.psnr ?? Infinity }));
    checkpoint = {
      version: CHECKPOINT_VERSION, step: ck.step, iterations: ck.iterations, seed: ck.seed, adamSteps: ck.adamSteps, cloud, moments: { m: read('m'), v: read('v') }, history,
      ...(ck.cameraRefine ? { cameraRefine: ck.cameraRefine as CameraRefineState } : {}),
    };
  }
  let scene: LoadedScene | null = null;
  if (meta.scene.kind === 'stored') {
    const files = new Map(Object.entries(entries).filter(([k]) => k.startsWith('scene/')).map(([k, v]) => [k.slice(6), v] as const));
    if (!files.has('scene.json')) throw new InputError('has no scene/scene.json: the session\'s photos are missing', { file });
    scene = await loadScene(memorySource(`${file}/scene`, files));
  }
  return { meta: { ...meta, iterations: meta.settings.iterations }, checkpoint, scene };
}
