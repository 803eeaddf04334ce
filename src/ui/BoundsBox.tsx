/** The object's bounding box (world coordinates) as a wireframe. */
import { useEffect, useMemo } from 'react';
import { BoxGeometry, EdgesGeometry } from 'three';
import type { Vec3 } from '../core/camera.ts';

export function BoundsBox({ min, max }: { min: Vec3; max: Vec3 }) {
  const geometry = useMemo(() => {
    const box = new BoxGeometry(max[0] - min[0], max[1] - min[1], max[2] - min[2]);
    const edges = new EdgesGeometry(box);
    box.dispose();
    return edges;
  }, [min, max]);
  useEffect(() => () => geometry.dispose(), [geometry]);
  const center: Vec3 = [(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2];
  return (
    <lineSegments geometry={geometry} position={center}>
      <lineBasicMaterial color="#9ae6b4" transparent opacity={0.8} toneMapped={false} />
    </lineSegments>
  );
}
