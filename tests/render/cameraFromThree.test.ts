/**
 * The splat layer's camera agrees with three.js: a point of the data's world, placed under a
 * rotated and translated group, lands on the same pixel through cameraFromThree as through
 * three.js's own projection of the group's child.
 */
import { describe, expect, it } from 'vitest';
import { Group, PerspectiveCamera, Vector3 } from 'three';
import { projectPoint } from '../../src/core/camera.ts';
import { cameraFromThree } from '../../src/render/webgpu/cameraFromThree.ts';

describe('cameraFromThree', () => {
  it('projects data points where three.js draws them, under a group transform', () => {
    const width = 160;
    const height = 90;
    const camera = new PerspectiveCamera(50, width / height, 0.01, 100);
    camera.position.set(2.5, 1.4, 3.1);
    camera.zoom = 1.3;
    camera.lookAt(0.2, -0.1, 0);
    camera.updateProjectionMatrix();
    const group = new Group();
    group.rotation.set(-Math.PI / 2, 0.3, 0.1);
    group.position.set(0.3, -0.2, 0.1);
    group.updateMatrixWorld(true);
    const cv = cameraFromThree(camera, group, width, height);
    for (const p of [[0, 0, 0], [0.5, -0.3, 0.2], [-0.4, 0.6, -0.5]] as const) {
      const ndc = new Vector3(...p).applyMatrix4(group.matrixWorld).project(camera);
      const expected = [((ndc.x + 1) / 2) * width, ((1 - ndc.y) / 2) * height];
      const [u, v, z] = projectPoint(cv, p);
      expect(z).toBeGreaterThan(0);
      expect(u).toBeCloseTo(expected[0], 6);
      expect(v).toBeCloseTo(expected[1], 6);
    }
  });
});
