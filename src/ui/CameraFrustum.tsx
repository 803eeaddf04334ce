/** One camera drawn as a frustum (apex, image rectangle, an "up" tick) with its photo on it. */
import { useEffect, useMemo } from 'react';
import { BufferGeometry, CanvasTexture, DoubleSide, Float32BufferAttribute, SRGBColorSpace } from 'three';
import type { Camera } from '../core/camera.ts';
import { imagePlaneGL, openCvToThreeMatrix } from './threeCamera.ts';

interface Props {
  camera: Camera;
  depth: number;
  color: string;
  thumbnail?: HTMLCanvasElement;
  highlighted?: boolean;
}

export function CameraFrustum({ camera, depth, color, thumbnail, highlighted }: Props) {
  const matrix = useMemo(() => openCvToThreeMatrix(camera), [camera]);
  const plane = useMemo(() => imagePlaneGL(camera, depth), [camera, depth]);

  const lines = useMemo(() => {
    const [tl, tr, br, bl] = plane.corners;
    const o = [0, 0, 0];
    // A small triangle above the top edge shows which way is up in the photo.
    const mid = [(tl[0] + tr[0]) / 2, (tl[1] + tr[1]) / 2, tl[2]];
    const tick = plane.height * 0.18;
    const apexUp = [mid[0], mid[1] + tick, mid[2]];
    const l = [tl[0] + (tr[0] - tl[0]) * 0.35, tl[1], tl[2]];
    const r = [tl[0] + (tr[0] - tl[0]) * 0.65, tl[1], tl[2]];
    const segs = [o, tl, o, tr, o, br, o, bl, tl, tr, tr, br, br, bl, bl, tl, l, apexUp, apexUp, r];
    const g = new BufferGeometry();
    g.setAttribute('position', new Float32BufferAttribute(segs.flat(), 3));
    return g;
  }, [plane]);
  useEffect(() => () => lines.dispose(), [lines]);

  const texture = useMemo(() => {
    if (!thumbnail) return null;
    const t = new CanvasTexture(thumbnail);
    t.colorSpace = SRGBColorSpace;
    return t;
  }, [thumbnail]);
  useEffect(() => () => texture?.dispose(), [texture]);

  return (
    <group matrixAutoUpdate={false} matrix={matrix}>
      <lineSegments geometry={lines}>
        <lineBasicMaterial color={highlighted ? '#ffffff' : color} toneMapped={false} />
      </lineSegments>
      {texture && (
        <mesh position={plane.center}>
          <planeGeometry args={[plane.width, plane.height]} />
          <meshBasicMaterial map={texture} side={DoubleSide} transparent opacity={highlighted ? 1 : 0.85} toneMapped={false} />
        </mesh>
      )}
    </group>
  );
}
