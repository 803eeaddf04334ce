/**
 * The manifests of the models the Masks, Poses and Train stages can use, for the page (what file, its
 * licence, where the weights come from). Read from models/*.json directly so that the page does
 * not pull in onnxruntime-web: the workers load and check the models.
 */
import alikeJson from '../../../models/alike_n.json';
import isnetJson from '../../../models/isnet.json';
import repairPriorJson from '../../../models/repair-prior.json';
import xfeatJson from '../../../models/xfeat.json';
import { parseModelManifest, type ModelManifest } from '../../models/modelManifest.ts';

export const FEATURE_MANIFESTS: Record<'alike' | 'xfeat', ModelManifest> = {
  alike: parseModelManifest(alikeJson, 'models/alike_n.json'),
  xfeat: parseModelManifest(xfeatJson, 'models/xfeat.json'),
};

export const SALIENT_MANIFEST: ModelManifest = parseModelManifest(isnetJson, 'models/isnet.json');

/** The repair prior (issue 15): the project's own model, asked for until its file is served with the app. */
export const REPAIR_PRIOR_MANIFEST: ModelManifest = parseModelManifest(repairPriorJson, 'models/repair-prior.json');
