/**
 * <SplatOccluder>: the splats' depth in the three.js scene, so that helpers (grid, camera
 * frustums, bounds) behind the object are hidden by it and those in front of it stay in front,
 * as in any 3D scene. The splats themselves are drawn by another renderer into a layer under
 * three.js's canvas (Splats.tsx), which has no depth to share; this writes, before any helper is
 * drawn, the depth of a disc at every splat that is opaque at its centre: the disc where the
 * splat's own alpha (opacity x Gaussian falloff) stays above one half, at the splat's mean depth.
 * Nothing is drawn in colour (colorWrite off): where no helper is, the splat layer shows through.
 *
 * Discs are GL points sized in pixels from the camera's projection each frame; a splat's radius
 * is its middle standard deviation (of the three axes) times sqrt(2 ln(2 opacity)). Translucent
 * splats (opacity at most one half) hide nothing.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import { BufferAttribute, BufferGeometry, ShaderMaterial, Vector2 } from 'three';
import type { GaussianCloud } from '../core/gaussianCloud.ts';

/** Means and disc radii (world units) of the splats that hide what is behind them. */
export function occluderDiscs(cloud: GaussianCloud): { positions: Float32Array; radii: Float32Array } {
  const pos: number[] = [];
  const rad: number[] = [];
  for (let i = 0; i < cloud.count; i++) {
    const alpha = 1 / (1 + Math.exp(-cloud.opacityLogits[i]));
    if (!(alpha > 0.5)) continue;
    const s = [cloud.logScales[3 * i], cloud.logScales[3 * i + 1], cloud.logScales[3 * i + 2]].map(Math.exp).sort((a, b) => a - b);
    const r = s[1] * Math.sqrt(2 * Math.log(2 * alpha));
    const m = [cloud.means[3 * i], cloud.means[3 * i + 1], cloud.means[3 * i + 2]];
    if (!(r > 0) || !Number.isFinite(r) || !m.every(Number.isFinite)) continue;
    pos.push(m[0], m[1], m[2]);
    rad.push(r);
  }
  return { positions: Float32Array.from(pos), radii: Float32Array.from(rad) };
}

const VERTEX = /* glsl */ `
attribute float radius;
uniform float pixelsPerUnit;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  gl_PointSize = 2.0 * radius * pixelsPerUnit / max(1e-6, -mv.z);
}`;

const FRAGMENT = /* glsl */ `
void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  if (dot(c, c) > 1.0) discard;
  gl_FragColor = vec4(0.0);
}`;

export function SplatOccluder({ cloud, visible = true }: { cloud: GaussianCloud; visible?: boolean }) {
  const gl = useThree((s) => s.gl);
  const invalidate = useThree((s) => s.invalidate);
  const geometry = useMemo(() => {
    const { positions, radii } = occluderDiscs(cloud);
    const g = new BufferGeometry();
    g.setAttribute('position', new BufferAttribute(positions, 3));
    g.setAttribute('radius', new BufferAttribute(radii, 1));
    return g;
  }, [cloud]);
  const material = useMemo(
    () => new ShaderMaterial({ vertexShader: VERTEX, fragmentShader: FRAGMENT, uniforms: { pixelsPerUnit: { value: 1 } }, colorWrite: false, depthWrite: true, depthTest: true }),
    [],
  );
  useEffect(() => () => geometry.dispose(), [geometry]);
  useEffect(() => () => material.dispose(), [material]);
  useEffect(() => invalidate(), [geometry, visible, invalidate]);
  const size = useMemo(() => new Vector2(), []);
  // Pixels per world unit at depth 1: projection's y focal term times half the drawing buffer's height.
  useFrame(({ camera }) => {
    gl.getDrawingBufferSize(size);
    material.uniforms.pixelsPerUnit.value = camera.projectionMatrix.elements[5] * size.y * 0.5;
  });
  return <points geometry={geometry} material={material} visible={visible} renderOrder={-1} frustumCulled={false} />;
}
