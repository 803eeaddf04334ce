/**
 * Placing clusters of posed views round the object: each cluster (views SfM placed together, its
 * cameras in a frame of its own, up to a similarity) is moved into the object-centred frame (the
 * object at the origin, world up +z, the object's radius 1) from its own cameras and masks, then
 * the clusters other than the first are turned about the object as rigid wholes, jointly, to
 * maximise silhouette consistency (./objectCentred.ts), and polished as rigid wholes; views in no
 * cluster come from the object-centred start and are searched one at a time.
 *
 * Why not chain the clusters' relative rotations into the object-centred start (as
 * placeWithObjectCentredStart does): that start puts every camera on the orbit model (aimed at its
 * mask's centroid, at the distance its mask's size gives), which is not where SfM put it. Measured
 * on Blender lego's 8 views with the TRUE rotations inside the two unplaced clusters, that model
 * left the clusters 3-11 degrees off after the same joint search (median pairwise rotation error
 * 7.0 degrees); with the clusters' true cameras placed here, 1.7 (4.1 with the focal length 5.6%
 * short, as SfM estimates it); with the clusters ./clusterSfm.ts finds, 2.20 (bench:poses).
 */
import type { Camera, Mat3, Vec3 } from '../../core/camera.ts';
import { cameraCenter, mat3MulVec, mat3Transpose, normalize, rotationBetweenUnitVectors, transformCameraPose } from '../../core/camera.ts';
import { luSolve, symmetricEigen } from './linalg.ts';
import { maskStats, objectCentredStart, refineBySilhouettes, upFromImageAxes, type ObjectView, type RefineOptions, type SilhouetteScore } from './objectCentred.ts';

/** Views placed together, with their cameras in the cluster's own frame (one per member). */
export interface PosedCluster {
  members: readonly number[];
  cameras: readonly Camera[];
}

/** The similarity X_oc = s Q X + u that takes a cluster's frame to the object-centred one. */
export interface ClusterFrame {
  s: number;
  Q: Mat3;
  u: Vec3;
  /** The object's centre in the cluster's frame, and its up direction there. */
  centre: Vec3;
  up: Vec3;
}

/** Elevation (degrees) assumed for a cluster whose image x axes say nothing about up. */
const FALLBACK_ELEVATION_DEG = 20;

/**
 * The object-centred frame of a cluster: the centre is the point nearest (least squares) the rays
 * through the members' mask centroids (rays nearly parallel: along the first, three times the
 * cameras' spread away);
 * up is upFromImageAxes' (else, x axes too close, the first camera's image up tilted by the
 * elevation guess); the scale puts each camera at the distance its mask's size gives (median).
 */
export function clusterFrame(cluster: PosedCluster, views: readonly ObjectView[]): ClusterFrame {
  const rays = cluster.members.map((v, k) => {
    const cam = cluster.cameras[k];
    const st = maskStats(views[v], v);
    const d = normalize(mat3MulVec(mat3Transpose(cam.R), [(st.cu - cam.cx) / cam.fx, (st.cv - cam.cy) / cam.fy, 1]));
    return { C: cameraCenter(cam), d, target: cam.fx / st.rho, cam };
  });
  let centre: Vec3;
  const A = new Float64Array(9), b = [0, 0, 0];
  for (const { C, d } of rays)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        const m = (i === j ? 1 : 0) - d[i] * d[j];
        A[3 * i + j] += m;
        b[i] += m * C[j];
      }
  const solved = rays.length >= 2 ? luSolve(A, b, 3) : null;
  if (solved && symmetricEigen(A, 3).values[0] > 1e-3 * rays.length) centre = [solved[0], solved[1], solved[2]];
  else {
    // Rays (nearly) parallel: along the first ray at the distance the scale of the others implies.
    const spread = rays.length >= 2 ? Math.max(...rays.map((r) => Math.hypot(r.C[0] - rays[0].C[0], r.C[1] - rays[0].C[1], r.C[2] - rays[0].C[2]))) : 0;
    const depth = spread > 0 ? spread * 3 : 1;
    centre = [rays[0].C[0] + depth * rays[0].d[0], rays[0].C[1] + depth * rays[0].d[1], rays[0].C[2] + depth * rays[0].d[2]];
  }
  let up = upFromImageAxes(cluster.cameras);
  if (!up) {
    // The x axes say nothing (one view, or views from one direction): the first camera's image up
    // tilted by the elevation guess.
    const R = rays[0].cam.R, e = (FALLBACK_ELEVATION_DEG * Math.PI) / 180;
    up = normalize([-Math.cos(e) * R[3] - Math.sin(e) * R[6], -Math.cos(e) * R[4] - Math.sin(e) * R[7], -Math.cos(e) * R[5] - Math.sin(e) * R[8]]);
  }
  const ratios = rays.map((r) => r.target / Math.max(1e-12, Math.hypot(r.C[0] - centre[0], r.C[1] - centre[1], r.C[2] - centre[2]))).sort((a, c) => a - c);
  const s = ratios[ratios.length >> 1];
  const Q = rotationBetweenUnitVectors(up, [0, 0, 1]);
  const QO = mat3MulVec(Q, centre);
  return { s, Q, u: [-s * QO[0], -s * QO[1], -s * QO[2]], centre, up };
}

/**
 * The silhouette search placeClusters runs unless told otherwise. Measured on Blender lego's 8
 * views (3 placed by SfM, clusters of 2 and 2 from ./clusterSfm.ts, one view alone), median / max
 * pairwise rotation error in degrees: 32^3 voxels and rigid polish 10.4 / 15.7; 64^3 3.1 / 11.6;
 * 64^3 and each view polished singly after the rigid polish 2.35 / 5.5 (the views placed one at a
 * time, before this file: 4.76 / 9.76). Singles (views in no cluster) are searched over the whole
 * circle and +-45 degrees of elevation about the start's 20: lego's r_86, 61 degrees up, landed
 * 170 degrees off at the start's elevation.
 */
export const CLUSTER_REFINE_DEFAULTS: RefineOptions = {
  resolution: 64,
  maxSide: 200,
  jointGroupSearch: true,
  groupPolish: 'rigid-then-singly',
  groupShift: true,
  singlesFullCircle: true,
  elevationRangeDeg: 45,
  elevationStepDeg: 15,
};

export interface ClusterPlacement {
  /** Every view's camera, in the first cluster's frame. */
  cameras: Camera[];
  refinement: { before: SilhouetteScore; after: SilhouetteScore; evaluations: number };
  /** The object's centre and up in the first cluster's frame. */
  orbit: { centre: Vec3; up: Vec3 };
}

/**
 * Cameras for every view: the first cluster stays where it is (its frame is the result's); the
 * others are placed round the object by silhouettes as rigid wholes; views in no cluster start
 * from the object-centred start and are searched singly over the whole circle.
 */
export async function placeClusters(views: readonly ObjectView[], clusters: readonly PosedCluster[], options: RefineOptions = {}): Promise<ClusterPlacement> {
  if (!clusters.length) throw new Error('placeClusters: no cluster');
  const start = objectCentredStart(views);
  const frames = clusters.map((c) => clusterFrame(c, views));
  const cams = [...start.cameras];
  clusters.forEach((c, k) => c.members.forEach((v, m) => { cams[v] = transformCameraPose(c.cameras[m], frames[k].s, frames[k].Q, frames[k].u); }));
  const fixed = views.map((_, v) => clusters[0].members.includes(v));
  const refined = await refineBySilhouettes(cams, views, { ...CLUSTER_REFINE_DEFAULTS, halfExtent: start.halfExtent, ...options, fixed, groups: clusters.slice(1).map((c) => c.members) });
  const f = frames[0], si = 1 / f.s, Qt = mat3Transpose(f.Q);
  const cameras = refined.cameras.map((c, v) => (fixed[v] ? clusters[0].cameras[clusters[0].members.indexOf(v)] : transformCameraPose(c, si, Qt, f.centre)));
  return { cameras, refinement: { before: refined.before, after: refined.after, evaluations: refined.evaluations }, orbit: { centre: f.centre, up: f.up } };
}
