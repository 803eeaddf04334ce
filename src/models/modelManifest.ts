/**
 * The model manifests of `models/*.json`: which file a model is, where its public weights come
 * from, its licence and hash, and the tensor contract (input/output names, element types, shapes;
 * a string dimension is symbolic, e.g. "height"). Validated with zod so a broken manifest names
 * its field, as scene.json does.
 */
import { z } from 'zod';
import '../core/zodNoEval.ts'; // before any schema: no `new Function` probe under the CSP
import { formatFieldPath, InputError } from '../core/errors.ts';

const dim = z.union([z.number().int().positive(), z.string().min(1)]);

const tensorSpec = z.object({
  name: z.string().min(1),
  type: z.literal('float32'),
  shape: z.array(dim),
  meaning: z.string().optional(),
});

/**
 * What a repair-prior model adds to its manifest (issue 15; src/recon/prior/README.md has the
 * contract): which contract its tensors keep, the sizes it takes, the sampler's defaults and how
 * to make the file again.
 */
const priorSpec = z.object({
  contract: z.literal('repair-prior/v1'),
  /** H and W must be multiples of this. */
  sizeMultiple: z.number().int().positive(),
  /** [width, height] the model was trained at. */
  trainSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Default SDEdit strength t0 in (0, 1]. */
  strength: z.number().gt(0).max(1),
  /** Default DDIM steps. */
  steps: z.number().int().positive().max(100),
  reproduce: z.object({ command: z.string().min(1), seed: z.number().int(), data: z.string().min(1) }),
});

export const modelManifestSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').nullable(),
  sha256Note: z.string().optional(),
  licence: z.string().min(1),
  sources: z.array(z.object({ what: z.string(), url: z.string().url() })).min(1),
  export: z.string().optional(),
  inputs: z.array(tensorSpec).min(1),
  outputs: z.array(tensorSpec).min(1),
  normalisation: z
    .object({
      from: z.string(),
      to: z.tuple([z.number(), z.number()]),
      formula: z.string(),
      /** When given, the input is (x - mean) / std of the bytes x (what `formula` says, as numbers for code). */
      mean: z.number().optional(),
      std: z.number().positive().optional(),
    })
    .optional(),
  prior: priorSpec.optional(),
});

export type TensorSpec = z.infer<typeof tensorSpec>;
export type PriorSpec = z.infer<typeof priorSpec>;
export type ModelManifest = z.infer<typeof modelManifestSchema>;

export function parseModelManifest(json: unknown, file: string): ModelManifest {
  const res = modelManifestSchema.safeParse(json);
  if (!res.success) {
    const issue = res.error.issues[0];
    throw new InputError(issue.message, { file, field: formatFieldPath(issue.path) });
  }
  return res.data;
}

/** A manifest from the bytes of its JSON file (a dropped or downloaded one): bad JSON is an InputError too. */
export function readModelManifest(bytes: Uint8Array, file: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new InputError(`is not valid JSON (${(e as Error).message})`, { file });
  }
  return parseModelManifest(json, file);
}

/** "in0 float32 [1, 3, height, width]", for messages. */
export function describeTensor(t: { name: string; type: string; shape: readonly (number | string)[] }): string {
  return `${t.name} ${t.type} [${t.shape.join(', ')}]`;
}
