/**
 * The 3D view: the shown cloud as splats (<Splats>: WebGPU, or WebGL2 when WebGPU is missing or
 * asked away), camera frustums of the loaded views, the object bounds when known, a floor grid,
 * orbit controls (helpers and splats composite by depth: SplatOccluder.tsx), framed on the rig (on the cloud's bounds when there are no cameras). The world
 * is rotated so the rig's up is three.js's +Y and the looked-at point is the origin (display
 * only; the data keeps its own coordinates). Bottom right: the splat renderer in use and toggles
 * for the splats and the helpers.
 */
import { Canvas, useThree } from '@react-three/fiber';
import { Grid, OrbitControls } from '@react-three/drei';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Matrix4, PerspectiveCamera, Quaternion, Vector3 } from 'three';
import { degToRad, type Camera, type Vec3 } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import type { LoadedScene } from '../io/sceneFolder.ts';
import type { FrameStats } from '../render/splatRenderer.ts';
import { Splats, type SplatBackendInfo } from './Splats.tsx';
import { SplatOccluder } from './SplatOccluder.tsx';
import { BoundsBox } from './BoundsBox.tsx';
import { cloudFrame } from './cloudFrame.ts';
import { CameraFlight, type FlightRequest } from './CameraFlight.tsx';
import { CameraFrustum } from './CameraFrustum.tsx';
import { previewCamera, previewSize } from './previewCamera.ts';
import type { PreviewFrame } from './trainClient.ts';
import { rigFrame, type RigFrame } from './rigFrame.ts';
import { ROLE_COLORS } from './roleColors.ts';
import type { RendererChoice } from './rendererChoice.ts';
import type { ViewRole } from './splits.ts';
import type { CloudJob, ShownCloud } from './useShownCloud.ts';
import { ViewerControls, type BackendState } from './ViewerControls.tsx';

interface Props {
  scene: LoadedScene | null;
  /**
   * Cameras a training run refined, by view id: their frustums are drawn where training moved
   * them. The view stays framed on the scene's cameras, so that a run's end does not re-frame it.
   */
  refinedCameras?: ReadonlyMap<string, Camera> | null;
  roles: Map<string, ViewRole>;
  thumbnails: Map<string, HTMLCanvasElement>;
  highlight: string | null;
  note?: string;
  /** The training preview or final render to show over the view, with its caption. */
  preview?: { frame: PreviewFrame; caption: string } | null;
  /** Closes the preview (its × button). */
  onClosePreview?: () => void;
  /** The orbit camera as an OpenCV camera in the data's world, framed for a preview (see previewCamera.ts). */
  onViewCamera?: (camera: Camera) => void;
  /** A view's camera to fly the orbit camera to (the Evaluate table's selected test view). */
  flyTo?: FlightRequest | null;
  /** The cloud to draw as splats, in the data's world. */
  cloud?: ShownCloud | null;
  /** A cloud file being read or written: its progress shows over the view. */
  job?: CloudJob | null;
  /** The splat backend asked for (?renderer=). Default 'auto'. */
  renderer?: RendererChoice;
  /** The splat renderer failed to start or to draw. */
  onSplatError?: (e: Error) => void;
  /** The person moved the view (drag, wheel or touch in it). */
  onInteract?: () => void;
}

const FOV = 45;

export function Viewport({ scene, refinedCameras = null, roles, thumbnails, highlight, note, preview, onClosePreview, onViewCamera, flyTo = null, cloud = null, job = null, renderer = 'auto', onSplatError, onInteract }: Props) {
  const cams = useMemo(() => (scene?.views ?? []).filter((v) => v.camera), [scene]);
  const bounds = scene?.manifest.bounds;
  // Without cameras, a shown cloud is framed on its own bounds.
  const alone = cams.length === 0 ? (cloud?.cloud ?? null) : null;
  const frame = useMemo(
    () => (alone ? cloudFrame(alone) : rigFrame(cams.map((v) => v.camera!), bounds)),
    [cams, bounds, alone],
  );
  const rotation = useMemo(
    () => new Quaternion().setFromUnitVectors(new Vector3(...frame.up), new Vector3(0, 1, 0)),
    [frame],
  );
  const offset = useMemo(() => new Vector3(...frame.target).applyQuaternion(rotation).negate(), [frame, rotation]);
  const r = frame.radius;
  // Where the last flight ended (view id and camera centre in the data's world), for tests and tools.
  const [arrived, setArrived] = useState<{ id: string; center: Vec3 } | null>(null);
  const onArrive = useCallback((id: string, center: Vec3) => setArrived({ id, center }), []);
  useEffect(() => setArrived(null), [scene, flyTo]);

  const [showSplats, setShowSplats] = useState(true);
  const [showHelpers, setShowHelpers] = useState(true);
  const [backend, setBackend] = useState<BackendState>({ state: 'starting' });
  const hasCloud = !!cloud;
  useEffect(() => {
    if (!hasCloud) setBackend({ state: 'starting' });
  }, [hasCloud, renderer]);
  const onBackend = useCallback((info: SplatBackendInfo) => setBackend({ state: 'ready', ...info }), []);
  const errorRef = useRef(onSplatError);
  errorRef.current = onSplatError;
  const onError = useCallback((e: Error) => {
    setBackend((b) => (b.state === 'ready' ? b : { state: 'failed', message: e.message.split('\n')[0] }));
    errorRef.current?.(e);
  }, []);
  // Per-frame facts for tests and tools, on the badge (no React render per frame).
  const badge = useRef<HTMLSpanElement>(null);
  const frames = useRef(0);
  const shownRef = useRef(cloud);
  shownRef.current = cloud;
  const onFrame = useCallback((stats: FrameStats, _r: unknown, drawn: { camera: Camera; cloud: GaussianCloud | null }) => {
    const el = badge.current;
    if (!el) return;
    el.dataset.frames = String(++frames.current);
    el.dataset.visibleSplats = String(stats.visibleSplats);
    el.dataset.camera = JSON.stringify(drawn.camera);
    el.dataset.drawnCloud = drawn.cloud && drawn.cloud === shownRef.current?.cloud ? String(shownRef.current.id) : '';
  }, []);

  return (
    <div
      className="viewport"
      data-testid="viewport"
      data-refined-frustums={cams.filter((v) => refinedCameras?.has(v.id)).map((v) => v.id).join(',')}
      data-flown-to={arrived?.id}
      data-camera-center={arrived?.center.map((x) => x.toFixed(5)).join(',')}
      onPointerDown={onInteract}
      onWheel={onInteract}
    >
      <Canvas frameloop="demand" dpr={[1, 2]} camera={{ fov: FOV, near: 0.01, far: 1000, position: [3, 2, 3] }}>
        <color attach="background" args={['#0e1116']} />
        <group quaternion={rotation} position={offset}>
          {cloud && (
            <Splats cloud={cloud.cloud} backend={renderer} visible={showSplats} onBackend={onBackend} onFrame={onFrame} onError={onError} />
          )}
          {/* The splats' depth, so that the helpers behind the object are hidden by it. */}
          {cloud && showHelpers && <SplatOccluder cloud={cloud.cloud} visible={showSplats} />}
          {showHelpers && cams.map((v) => (
            <CameraFrustum
              key={v.id}
              camera={refinedCameras?.get(v.id) ?? v.camera!}
              depth={frame.frustumDepth}
              color={ROLE_COLORS[roles.get(v.id) ?? 'none']}
              thumbnail={thumbnails.get(v.id)}
              highlighted={highlight === v.id}
            />
          ))}
          {showHelpers && bounds && <BoundsBox min={bounds.min} max={bounds.max} />}
        </group>
        {showHelpers && <Grid
          position={[0, frame.floor, 0]}
          args={[r * 4, r * 4]}
          cellSize={niceStep(r / 8)}
          sectionSize={niceStep(r / 8) * 5}
          cellColor="#262c36"
          sectionColor="#3a4454"
          cellThickness={0.8}
          sectionThickness={1.1}
          fadeDistance={r * 9}
          fadeStrength={1.5}
          infiniteGrid
        />}
        <OrbitControls makeDefault enableDamping dampingFactor={0.12} />
        <Framing frame={frame} rotation={rotation} />
        <CameraFlight target={flyTo} rotation={rotation} offset={offset} onArrive={onArrive} />
        {onViewCamera && <ViewCameraReporter frame={frame} rotation={rotation} offset={offset} bounds={bounds} onChange={onViewCamera} />}
      </Canvas>
      {preview && <PreviewPanel frame={preview.frame} caption={preview.caption} onClose={onClosePreview} />}
      {cams.length > 0 && (
        <div className="viewport-legend">
          <span>
            {cams.length} camera{cams.length === 1 ? '' : 's'}
          </span>
          {bounds && <span className="legend-bounds">▢ object bounds</span>}
        </div>
      )}
      <div className="viewport-hint">Drag to orbit · right-drag to pan · scroll to zoom</div>
      <ViewerControls
        ref={badge}
        backend={cloud ? backend : null}
        asked={renderer}
        showSplats={showSplats}
        showHelpers={showHelpers}
        onShowSplats={setShowSplats}
        onShowHelpers={setShowHelpers}
      />
      {job && (
        <div className="viewport-progress" data-testid="cloud-progress">
          <span>
            {job.label}
            {job.total > 0 ? ` · ${Math.round((100 * job.done) / job.total)} %` : '…'}
          </span>
          <progress max={job.total || 1} value={job.total ? job.done : undefined} />
        </div>
      )}
      {note && (
        <div className="viewport-note" data-testid="viewport-note">
          {note}
        </div>
      )}
    </div>
  );
}

/** Puts the view camera on the rig whenever a new rig is shown. */
function Framing({ frame, rotation }: { frame: RigFrame; rotation: Quaternion }) {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as { target: Vector3; update(): void } | null;
  const invalidate = useThree((s) => s.invalidate);
  useLayoutEffect(() => {
    const dist = (frame.radius / Math.sin(degToRad(FOV) / 2)) * 1.05;
    const dir = new Vector3(...frame.viewDir).applyQuaternion(rotation);
    camera.position.copy(dir.multiplyScalar(dist));
    if (camera instanceof PerspectiveCamera) {
      camera.near = frame.radius * 0.01;
      camera.far = frame.radius * 200;
      camera.updateProjectionMatrix();
    }
    camera.lookAt(0, 0, 0);
    if (controls) {
      controls.target.set(0, 0, 0);
      controls.update();
    }
    invalidate();
  }, [frame, rotation, camera, controls, invalidate]);
  return null;
}

/**
 * Reports the orbit camera in the data's coordinates whenever it moves or the view is resized:
 * undoes the display group's rotation and offset, then frames the object (previewCamera.ts).
 */
function ViewCameraReporter({ frame, rotation, offset, bounds, onChange }: {
  frame: RigFrame;
  rotation: Quaternion;
  offset: Vector3;
  bounds?: { min: [number, number, number]; max: [number, number, number] };
  onChange: (camera: Camera) => void;
}) {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as (EventTarget & { target: Vector3; addEventListener(t: 'change', f: () => void): void; removeEventListener(t: 'change', f: () => void): void }) | null;
  const size = useThree((s) => s.size);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  useEffect(() => {
    const toData = new Matrix4().compose(offset, rotation, new Vector3(1, 1, 1)).invert();
    const fitRadius = bounds
      ? 0.5 * Math.hypot(bounds.max[0] - bounds.min[0], bounds.max[1] - bounds.min[1], bounds.max[2] - bounds.min[2])
      : frame.radius * 0.35;
    const report = () => {
      if (!(camera instanceof PerspectiveCamera)) return;
      camera.updateMatrixWorld();
      const camToData = toData.clone().multiply(camera.matrixWorld);
      const target = (controls?.target ?? new Vector3()).clone().applyMatrix4(toData);
      const px = previewSize(size.width / Math.max(1, size.height));
      onChangeRef.current(previewCamera(camToData, [target.x, target.y, target.z], { fov: camera.fov, zoom: camera.zoom, ...px, fitRadius }));
    };
    report();
    controls?.addEventListener('change', report);
    return () => controls?.removeEventListener('change', report);
  }, [camera, controls, size, frame, rotation, offset, bounds]);
  return null;
}

/** The training preview (or final render) over the 3D view, always captioned with what it is. */
function PreviewPanel({ frame, caption, onClose }: { frame: PreviewFrame; caption: string; onClose?: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = frame.width;
    c.height = frame.height;
    c.getContext('2d')?.putImageData(new ImageData(frame.rgba as Uint8ClampedArray<ArrayBuffer>, frame.width, frame.height), 0, 0);
  }, [frame]);
  return (
    <figure className="preview-panel" data-testid="train-preview-panel" data-final={frame.final}>
      <canvas ref={ref} data-testid="train-preview" style={{ aspectRatio: `${frame.width} / ${frame.height}` }} />
      <figcaption>
        <span data-testid="train-preview-label">{caption}</span>
        {onClose && (
          <button type="button" className="preview-close" aria-label="Close the preview" title="Close the preview (the next run shows it again)" onClick={onClose} data-testid="train-preview-close">
            ×
          </button>
        )}
      </figcaption>
    </figure>
  );
}

/** 1, 2 or 5 times a power of ten, near x (grid spacing). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
