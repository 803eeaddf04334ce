/**
 * The one place that talks to onnxruntime-web: creates a session from model bytes and checks the
 * model's inputs and outputs against its manifest before anything runs, so a wrong file fails
 * with a message saying what was expected instead of a shape error deep in a run.
 * Runs on onnxruntime-web's wasm backend everywhere (in Node on one thread: onnxruntime-node is
 * never needed); the small evaluation models need nothing faster.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-web';
import { InputError } from '../core/errors.ts';
import { describeTensor, type ModelManifest, type TensorSpec } from './modelManifest.ts';

export type Ort = typeof import('onnxruntime-web');

let ortPromise: Promise<Ort> | null = null;

/** onnxruntime-web, loaded on first use (it is big; pages that never score LPIPS never load it). */
export function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-web').then((ort) => {
    const isNode = typeof process !== 'undefined' && !!process.versions?.node;
    if (isNode) ort.env.wasm.numThreads = 1;
    return ort;
  });
  return ortPromise;
}

export interface CheckedSession {
  ort: Ort;
  session: InferenceSession;
  manifest: ModelManifest;
  /** The sha256 of the model's bytes (lowercase hex). */
  sha256: string;
  /** The model's own input shapes (numbers where the model fixes a size), in manifest order. */
  inputShapes: (number | string)[][];
}

type Meta = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

function contractProblems(kind: 'input' | 'output', expected: readonly TensorSpec[], actual: readonly Meta[]): string[] {
  const problems: string[] = [];
  const byName = new Map(actual.map((m) => [m.name, m]));
  for (const e of expected) {
    const m = byName.get(e.name);
    if (!m) {
      problems.push(`no ${kind} named "${e.name}"`);
      continue;
    }
    if (!m.isTensor || m.type !== e.type) problems.push(`${kind} "${e.name}" is ${m.isTensor ? m.type : 'not a tensor'}, expected ${e.type}`);
    const shape = m.shape ?? [];
    // An empty shape means the model does not declare one: accept it, the run will tell.
    if (shape.length === 0) continue;
    const bad = shape.length !== e.shape.length || e.shape.some((d, i) => typeof d === 'number' && typeof shape[i] === 'number' && shape[i] !== d);
    if (bad) problems.push(`${kind} "${e.name}" has shape [${shape.join(', ')}], expected [${e.shape.join(', ')}]`);
  }
  if (actual.length !== expected.length && problems.length === 0)
    problems.push(`the model has ${kind}s ${actual.map((m) => `"${m.name}"`).join(', ')}, expected exactly ${expected.map((e) => `"${e.name}"`).join(', ')}`);
  return problems;
}

/** What a stage adds to createCheckedSession's defaults. */
export interface CheckedSessionOptions {
  /** onnxruntime's execution providers, tried in order (default wasm; the repair prior asks for webgpu first). */
  executionProviders?: readonly ('webgpu' | 'wasm')[];
  /** Where the manifest lives, for the wrong-file message (default models/<manifest.name>.json). */
  manifestPath?: string;
}

/**
 * A session for `bytes`, checked against `manifest`. `label` names the file in messages.
 * Throws InputError when the bytes are not the manifest's file (sha256, when it gives one), not an
 * ONNX model, or a model whose contract differs.
 */
export async function createCheckedSession(bytes: Uint8Array, manifest: ModelManifest, label: string, opts: CheckedSessionOptions = {}): Promise<CheckedSession> {
  const executionProviders = opts.executionProviders ?? ['wasm'];
  // The one door to onnxruntime: a model whose manifest names a hash never runs unless its bytes
  // have it, whichever stage asked.
  const sha256 = await sha256Hex(bytes);
  if (manifest.sha256 && sha256 !== manifest.sha256) {
    const where = opts.manifestPath ?? `models/${manifest.name}.json`;
    throw new InputError(`is not the ${manifest.name} model file ${manifest.file}: its sha256 is ${sha256}, expected ${manifest.sha256}. Use the file the manifest names (${where}).`, { file: label });
  }
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: [...executionProviders] });
  } catch (e) {
    throw new InputError(`is not an ONNX model onnxruntime can load (${String((e as Error).message ?? e).split('\n')[0]}); expected the ${manifest.name} model (${manifest.file})`, { file: label });
  }
  const problems = [
    ...contractProblems('input', manifest.inputs, session.inputMetadata as readonly Meta[]),
    ...contractProblems('output', manifest.outputs, session.outputMetadata as readonly Meta[]),
  ];
  if (problems.length > 0) {
    await session.release();
    const expected = [...manifest.inputs.map((t) => 'input ' + describeTensor(t)), ...manifest.outputs.map((t) => 'output ' + describeTensor(t))];
    throw new InputError(`is not a ${manifest.name} model: ${problems.join('; ')}. Expected ${expected.join(', ')}`, { file: label });
  }
  const meta = new Map((session.inputMetadata as readonly Meta[]).map((m) => [m.name, m]));
  return { ort, session, manifest, sha256, inputShapes: manifest.inputs.map((e) => [...(meta.get(e.name)?.shape ?? e.shape)]) };
}

/** A float32 tensor of `dims`. */
export function floatTensor(ort: Ort, data: Float32Array, dims: readonly number[]): Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** sha256 of bytes as lowercase hex (Web Crypto: the page and Node alike). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
