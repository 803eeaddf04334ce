/**
 * The 3D view: camera frustums of the loaded views, the object bounds when known, a floor grid,
 * orbit controls, framed on the rig. The world is rotated so the rig's up is three.js's +Y and
 * the looked-at point is the origin (display only; the data keeps its own coordinates).
 */
import { Canvas, useThree } from '@react-three/fiber';
import { Grid, OrbitControls } from '@react-three/drei';
import { useLayoutEffect, useMemo } from 'react';
import { PerspectiveCamera, Quaternion, Vector3 } from 'three';
import type { LoadedScene } from '../io/sceneFolder.ts';
import { BoundsBox } from './BoundsBox.tsx';
import { CameraFrustum } from './CameraFrustum.tsx';
import { rigFrame, type RigFrame } from './rigFrame.ts';
import { ROLE_COLORS } from './roleColors.ts';
import type { ViewRole } from './splits.ts';

interface Props {
  scene: LoadedScene | null;
  roles: Map<string, ViewRole>;
  thumbnails: Map<string, HTMLCanvasElement>;
  highlight: string | null;
  note?: string;
}

const FOV = 45;

export function Viewport({ scene, roles, thumbnails, highlight, note }: Props) {
  const cams = useMemo(() => (scene?.views ?? []).filter((v) => v.camera), [scene]);
  const bounds = scene?.manifest.bounds;
  const frame = useMemo(
    () => rigFrame(cams.map((v) => v.camera!), bounds),
    [cams, bounds],
  );
  const rotation = useMemo(
    () => new Quaternion().setFromUnitVectors(new Vector3(...frame.up), new Vector3(0, 1, 0)),
    [frame],
  );
  const offset = useMemo(() => new Vector3(...frame.target).applyQuaternion(rotation).negate(), [frame, rotation]);
  const r = frame.radius;

  return (
    <div className="viewport" data-testid="viewport">
      <Canvas frameloop="demand" dpr={[1, 2]} camera={{ fov: FOV, near: 0.01, far: 1000, position: [3, 2, 3] }}>
        <color attach="background" args={['#0e1116']} />
        <group quaternion={rotation} position={offset}>
          {cams.map((v) => (
            <CameraFrustum
              key={v.id}
              camera={v.camera!}
              depth={frame.frustumDepth}
              color={ROLE_COLORS[roles.get(v.id) ?? 'none']}
              thumbnail={thumbnails.get(v.id)}
              highlighted={highlight === v.id}
            />
          ))}
          {bounds && <BoundsBox min={bounds.min} max={bounds.max} />}
        </group>
        <Grid
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
        />
        <OrbitControls makeDefault enableDamping dampingFactor={0.12} />
        <Framing frame={frame} rotation={rotation} />
      </Canvas>
      {cams.length > 0 && (
        <div className="viewport-legend">
          <span>
            {cams.length} camera{cams.length === 1 ? '' : 's'}
          </span>
          {bounds && <span className="legend-bounds">▢ object bounds</span>}
        </div>
      )}
      <div className="viewport-hint">Drag to orbit · right-drag to pan · scroll to zoom</div>
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
    const dist = (frame.radius / Math.sin(((FOV / 2) * Math.PI) / 180)) * 1.05;
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

/** 1, 2 or 5 times a power of ten, near x (grid spacing). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
