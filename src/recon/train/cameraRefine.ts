/**
 * Photometric camera refinement inside the trainer (the `refineCameras` option, trainOptions.ts):
 * each view's pose is optimised together with the splats, from the camera gradient the
 * rasterizer's backward sums for the view it rendered (projectBackwardCamera; the float64
 * reference and its finite-difference check: projectReference.ts, tests/gpu/referenceGradients).
 *
 * - Parameterisation: a rotation about a pivot (by default the camera's own centre, so a rotation
 *   step turns the camera where it stands instead of swinging it about the world origin; or the
 *   object's centre) and a translation in the camera's axes (applyCameraIncrementAboutPoint,
 *   core/camera.ts); the gradient is the rasterizer's (omega, dt) gradient chained by
 *   cameraGradAboutPoint. Optionally log focal (fx and fy together).
 * - Optimiser: Adam per view on the CPU with one second moment per group (rotation, translation,
 *   focal), 7 numbers a view; the gradient comes back with the step's one small read-back, so it
 *   is applied one step late. Rotation steps are `lr` radians, translation steps `lrTranslation` x
 *   the camera's distance to the object (a sideways move of that size shifts the object in the
 *   image about as much as a rotation of the same number of radians), both decaying tenfold from
 *   `startStep` to `endStep`. Measured (bench/camRefine.ts, tests/recon/cameraRefine.test.ts): the
 *   cameras must move faster than the splats absorb their error (a rotation step of 1e-2, not
 *   2e-3), and the translation step must be small: for an object seen from afar a sideways move
 *   and a rotation look nearly alike, and the translation's gradient is mostly noise.
 * - Gauge: the splats and cameras together are defined up to a similarity. The first view is held
 *   (rotation and centre: the frame), and the root mean square distance of the other centres from
 *   the first one is kept at its start value (the scale), by scaling the centres about the first
 *   after each step. Or the views `held` says (the trainer holds the matched views when the others
 *   are the object-centred start's guesses, trainOptions refineCamerasOf): with two or more held
 *   the frame and scale are theirs and only the others move.
 * - Loss: a step that moves its view's camera weighs D-SSIM by cameraSsimWeight (default 0: plain
 *   L1 aligns better; trainOptions.ts has the figures), the trainer's other steps by ssimWeight.
 */
import {
  applyCameraIncrementAboutPoint,
  cameraCenter,
  cameraGradAboutPoint,
  translationFromCenter,
  type Camera,
  type Vec3,
} from '../../core/camera.ts';
import { InputError } from '../../core/errors.ts';

export interface CameraRefineSettings {
  /** Rotation step at startStep (radians). */
  lr: number;
  /** Centre step at startStep, as a fraction of the camera's start distance to `centre`; also the log-focal step. */
  lrTranslation: number;
  refineFocal: boolean;
  /** First step that moves a camera. */
  startStep: number;
  /** Step by which the rates have decayed tenfold (the run's last). */
  endStep: number;
  /** The object's centre (the bounds' centre), for the centre step's scale. */
  centre: Vec3;
  /** What a rotation turns about: the camera's centre, or the object's centre; one for all views or one per view. */
  pivot: 'camera' | 'object' | readonly ('camera' | 'object')[];
  /**
   * Per view: held as given (the gauge). Default: the first view only. With two or more held,
   * they fix the frame and the scale; with one, the scale is held by the spread (holdScale).
   */
  held?: readonly boolean[];
}

/**
 * Which views camera refinement holds (CameraRefineSettings.held): the first only, or, with
 * 'guesses' and both guessed and matched views (TrainView.cameraGuess), every matched view.
 */
export function heldCameras(views: readonly { cameraGuess?: boolean }[], of: 'all' | 'guesses'): boolean[] {
  const guesses = views.map((v) => Boolean(v.cameraGuess));
  if (of === 'guesses' && guesses.some(Boolean) && !guesses.every(Boolean)) return guesses.map((g) => !g);
  return views.map((_, i) => i === 0);
}

/**
 * What a checkpoint keeps of a run's camera refinement (checkpoint.ts), so that a resumed run goes
 * on as the run left alone would: the cameras the run started from (which may not be the scene's:
 * the camera pre-pass's, cameraPrepass.ts), the current ones, and the optimiser's state.
 */
export interface CameraRefineState {
  start: Camera[];
  cameras: Camera[];
  m1: number[][];
  m2: number[][];
  updates: number[];
}

const copyCamera = (c: Camera): Camera => ({ ...c, R: [...c.R] as Camera['R'], t: [...c.t] as Vec3 });

const B1 = 0.9, B2 = 0.999, EPS = 1e-15;
/** Numbers a view's optimiser keeps per moment: rotation (3), centre (3), log focal (1). */
export const CAMERA_REFINE_DIMS = 7;

export class CameraRefiner {
  private readonly cams: Camera[];
  private readonly m1: Float64Array[];
  private readonly m2: Float64Array[];
  private readonly updates: number[];
  private readonly distance: number[];
  /** Root mean square distance of the centres from the first camera's at the start (the scale gauge). */
  private readonly spread: number;
  private readonly held: boolean[];
  /** The held view the scale is held about (the first held one). */
  private readonly anchor: number;
  /** Gradients skipped because they were not finite. */
  skipped = 0;

  constructor(cameras: readonly Camera[], private readonly s: CameraRefineSettings) {
    this.cams = cameras.map((c) => ({ ...c }));
    this.m1 = cameras.map(() => new Float64Array(CAMERA_REFINE_DIMS));
    this.m2 = cameras.map(() => new Float64Array(CAMERA_REFINE_DIMS));
    this.updates = cameras.map(() => 0);
    this.distance = cameras.map((c) => {
      const p = cameraCenter(c);
      return Math.hypot(p[0] - s.centre[0], p[1] - s.centre[1], p[2] - s.centre[2]) || 1;
    });
    this.held = cameras.map((_, i) => (s.held ? Boolean(s.held[i]) : i === 0));
    if (!this.held.some(Boolean) && this.held.length) this.held[0] = true;
    this.anchor = this.held.indexOf(true);
    // Two or more held views fix the scale themselves.
    const heldCount = this.held.filter(Boolean).length;
    this.spread = cameras.length > 1 && heldCount < 2 ? rmsDistance(cameras.map((c) => cameraCenter(c)), this.anchor) : 0;
  }

  /** Whether view `i`'s camera is refined at `step` (never a held view: they are the gauge). */
  refines(i: number, step: number): boolean {
    return i >= 0 && i < this.cams.length && !this.held[i] && step >= this.s.startStep;
  }

  /** The camera view `i` is rendered with now. */
  camera(i: number): Camera {
    return this.cams[i];
  }

  /** Every view's current camera (copies), in the order given. */
  cameras(): Camera[] {
    return this.cams.map(copyCamera);
  }

  /** The state a checkpoint keeps (copies); `start`: the cameras this refiner was made with. */
  state(start: readonly Camera[]): CameraRefineState {
    return { start: start.map(copyCamera), cameras: this.cameras(), m1: this.m1.map((m) => [...m]), m2: this.m2.map((m) => [...m]), updates: [...this.updates] };
  }

  /** Goes on from a checkpoint's state (of a refiner made with the same start cameras and settings). */
  restore(state: CameraRefineState): void {
    const n = this.cams.length;
    const moments = [...state.m1, ...state.m2];
    if (state.cameras.length !== n || state.m1.length !== n || state.m2.length !== n || state.updates.length !== n || moments.some((m) => m.length !== CAMERA_REFINE_DIMS))
      throw new InputError(`the checkpoint's camera refinement does not fit this run (${state.cameras.length} views, the run ${n}; ${CAMERA_REFINE_DIMS} numbers a view expected): resume with the views the run was started with`);
    for (let i = 0; i < n; i++) {
      this.cams[i] = copyCamera(state.cameras[i]);
      this.m1[i].set(state.m1[i]);
      this.m2[i].set(state.m2[i]);
      this.updates[i] = state.updates[i];
    }
  }

  /**
   * One Adam step of view `i` from the rasterizer's camera gradient (CAMERA_GRAD_FLOATS numbers:
   * dL/d omega, dL/d dt, dL/d log f of applyCameraIncrement), taken at `step`, with the camera the
   * gradient was computed at. A gradient that is not finite is skipped (and counted).
   */
  update(i: number, grad: ArrayLike<number>, step: number): void {
    if (!this.refines(i, step)) return;
    const cam = this.cams[i];
    const kind = typeof this.s.pivot === 'string' ? this.s.pivot : (this.s.pivot[i] ?? 'camera');
    const pivot = kind === 'object' ? this.s.centre : cameraCenter(cam);
    const g = cameraGradAboutPoint(cam, grad, pivot);
    if (!this.s.refineFocal) g[6] = 0;
    if (!g.every(Number.isFinite)) {
      this.skipped++;
      return;
    }
    const { startStep, endStep } = this.s;
    const decay = Math.pow(0.1, Math.min(1, Math.max(0, (step - startStep) / Math.max(1, endStep - startStep))));
    const rates = [this.s.lr, this.s.lrTranslation * this.distance[i], this.s.lrTranslation].map((r) => r * decay);
    const k = ++this.updates[i];
    const m1 = this.m1[i], m2 = this.m2[i];
    const d = new Float64Array(CAMERA_REFINE_DIMS);
    // Adam with one second moment per group (rotation, translation, focal): the group's mean
    // square. Per-coordinate Adam would step every direction by about the rate, so a direction the
    // photos barely determine (its gradient mostly noise) would random-walk as fast as a
    // well-determined one converges; per group, weak directions move in proportion to their signal.
    for (const [lo, hi, rate] of [[0, 3, rates[0]], [3, 6, rates[1]], [6, 7, rates[2]]]) {
      let sq = 0;
      for (let j = lo; j < hi; j++) sq += g[j] * g[j];
      m2[lo] = B2 * m2[lo] + ((1 - B2) * sq) / (hi - lo);
      const vh = m2[lo] / (1 - B2 ** k);
      for (let j = lo; j < hi; j++) {
        m1[j] = B1 * m1[j] + (1 - B1) * g[j];
        d[j] = (-rate * m1[j]) / (1 - B1 ** k) / (Math.sqrt(vh) + EPS);
      }
    }
    let next = applyCameraIncrementAboutPoint(cam, [d[0], d[1], d[2]], [d[3], d[4], d[5]], d[6], pivot);
    this.cams[i] = next;
    this.holdScale();
  }

  /**
   * Scale gauge: the root mean square distance of the cameras' centres from the first one stays
   * at its start value (all centres scaled about the first; rotations untouched). Holding it by
   * many cameras rather than by one baseline spreads the given cameras' own errors over them.
   */
  private holdScale(): void {
    if (!(this.spread > 0)) return;
    const centres = this.cams.map((c) => cameraCenter(c));
    const c0 = centres[this.anchor];
    const k = this.spread / rmsDistance(centres, this.anchor);
    if (!Number.isFinite(k) || Math.abs(k - 1) < 1e-12) return;
    for (let j = 0; j < this.cams.length; j++) {
      if (j === this.anchor) continue;
      const c = centres[j];
      this.cams[j] = { ...this.cams[j], t: translationFromCenter(this.cams[j].R, [c0[0] + k * (c[0] - c0[0]), c0[1] + k * (c[1] - c0[1]), c0[2] + k * (c[2] - c0[2])]) };
    }
  }
}

/** RMS distance of `points` (all but the anchor) from `points[anchor]`. */
function rmsDistance(points: readonly Vec3[], anchor: number): number {
  const c = points[anchor];
  let s = 0;
  for (let j = 0; j < points.length; j++) if (j !== anchor) s += (points[j][0] - c[0]) ** 2 + (points[j][1] - c[1]) ** 2 + (points[j][2] - c[2]) ** 2;
  return Math.sqrt(s / Math.max(1, points.length - 1));
}
