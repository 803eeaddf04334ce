/**
 * Camera poses from unposed photos (issue 11): the geometric core. `incrementalSfm` takes what a
 * feature detector and matcher produce (keypoints per view, matched index pairs, image sizes,
 * optional EXIF focal) and returns a Camera per registered view or the reason a view could not be
 * placed, plus 3D points and diagnostics. The solvers it is built from are exported for tests,
 * the bench (pose errors after similarity alignment) and other stages.
 */
export {
  incrementalSfm, DEFAULT_SFM_OPTIONS,
  type SfmView, type SfmMatches, type SfmOptions, type SfmResult, type SfmPoint, type ViewPlacement, type PairGeometry,
} from './incrementalSfm.ts';
export { ransacEssential, recoverPose, decomposeEssential, essentialEightPoint, sampsonErrorSq, type EssentialResult, type RecoveredPose } from './essentialMatrix.ts';
export { triangulateNormalized, triangulatePixels, reprojectionError, triangulationAngleDeg, type Pose } from './triangulate.ts';
export { ransacPnp, pnpDlt, refinePose, type Intrinsics, type PnpResult } from './pnp.ts';
export { bundleAdjust, type Observation, type BundleOptions, type BundleResult } from './bundleAdjust.ts';
export { buildTracks, buildTracksFirstWins, type TrackObservation, type MatchList } from './tracks.ts';
export { rematchAndAdjust, epipolarMatches, fundamentalFromCameras, DEFAULT_REMATCH_OPTIONS, type RematchOptions, type RematchResult } from './epipolarRematch.ts';
export { umeyama, applySimilarity, alignCamerasToReference, type Similarity } from './alignSimilarity.ts';
export { pairwisePoseErrors, absolutePoseErrors, stats, type PairwisePoseErrors, type ErrorStats } from './poseErrors.ts';
export {
  objectCentredStart, refineBySilhouettes, placeWithObjectCentredStart, SilhouetteConsistency, defaultArcDeg, DEFAULT_START_ELEVATION_DEG,
  type ObjectView, type RelativeRotation, type ObjectCentredOptions, type ObjectCentredStart, type AzimuthSource,
  type SilhouetteOptions, type SilhouetteScore, type RefineOptions, type RefineResult, type CameraSource, type PlacedViews, type PlaceOptions,
} from './objectCentred.ts';
export { clusterSfm, type ClusterSfm, type ClusterSfmOptions } from './clusterSfm.ts';
export { placeClusters, clusterFrame, CLUSTER_REFINE_DEFAULTS, type PosedCluster, type ClusterFrame, type ClusterPlacement } from './clusterPlacement.ts';
export { estimatePoses, matchPairs, pointBounds, ALL_PAIRS_UP_TO, type EstimatePosesOptions, type EstimatePosesResult, type FeatureSource, type PoseOutcome, type PosesProgress } from './estimatePoses.ts';
export { photoWarnings, sharpness, type PhotoWarning, type PhotoWarningKind } from './photoWarnings.ts';
export { loadLearnedDetector, alikeFeatures, xfeatFeatures, xfeatHeatmap, ALIKE_MANIFEST, XFEAT_MANIFEST, type LearnedDetector, type LearnedKind } from './features/learned.ts';
export { detectOrb } from './features/orb.ts';
export { tiltImage } from './features/tiltedImage.ts';
export { matchFeatures, matchFloat, matchBinary, DEFAULT_RATIO } from './features/match.ts';
export { nmsTopK, sampleDescriptors, dilateMask, paddedRgbPlanes } from './features/keypoints.ts';
export type { Features } from './features/types.ts';
