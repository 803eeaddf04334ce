/**
 * Flies the orbit camera to a view's camera (the Evaluate table's selected test view): over
 * `FLIGHT_MS` the orbit target moves to the point on the view's line of sight nearest the rig's
 * centre and the camera swings around it (direction interpolated on the sphere, distance
 * linearly), ending exactly at the view's camera centre looking along its axis. Grabbing the view
 * stops the flight. Lives inside the r3f Canvas, under the same display transform as the frustums.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef } from 'react';
import { Matrix4, Quaternion, Vector3 } from 'three';
import type { Camera, Vec3 } from '../core/camera.ts';
import { openCvToThreeMatrix } from './threeCamera.ts';

export const FLIGHT_MS = 700;

export interface FlightRequest {
  id: string;
  camera: Camera;
  seq: number;
}

interface Props {
  target: FlightRequest | null;
  /** The display transform: data world -> three.js world. */
  rotation: Quaternion;
  offset: Vector3;
  /** Called when the camera has arrived, with its centre in the data's world. */
  onArrive: (id: string, center: Vec3) => void;
}

interface Flight {
  id: string;
  t0: number;
  fromTarget: Vector3;
  fromOffset: Vector3;
  toTarget: Vector3;
  toOffset: Vector3;
}

const ease = (k: number) => (k < 0.5 ? 4 * k * k * k : 1 - (-2 * k + 2) ** 3 / 2);

/** Where the camera goes (three.js world): its position and an orbit target on its line of sight. */
export function flightGoal(camera: Camera, rotation: Quaternion, offset: Vector3): { position: Vector3; target: Vector3 } {
  const m = new Matrix4().compose(offset, rotation, new Vector3(1, 1, 1)).multiply(openCvToThreeMatrix(camera));
  const position = new Vector3().setFromMatrixPosition(m);
  const forward = new Vector3(-m.elements[8], -m.elements[9], -m.elements[10]).normalize();
  // The rig's centre is the display origin: aim at the point of the line of sight closest to it.
  const along = Math.max(position.length() * 0.05, -position.dot(forward));
  return { position, target: position.clone().addScaledVector(forward, along) };
}

export function CameraFlight({ target, rotation, offset, onArrive }: Props) {
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as (EventTarget & { target: Vector3; update(): void }) | null;
  const invalidate = useThree((s) => s.invalidate);
  const flight = useRef<Flight | null>(null);
  const onArriveRef = useRef(onArrive);
  onArriveRef.current = onArrive;

  useEffect(() => {
    if (!target) return;
    const goal = flightGoal(target.camera, rotation, offset);
    const fromTarget = controls?.target.clone() ?? new Vector3();
    flight.current = {
      id: target.id,
      t0: performance.now(),
      fromTarget,
      fromOffset: camera.position.clone().sub(fromTarget),
      toTarget: goal.target,
      toOffset: goal.position.clone().sub(goal.target),
    };
    invalidate();
    // rotation/offset change only with the scene, which also replaces the target.
  }, [target]);

  // The user grabbing the view ends the flight where it is.
  useEffect(() => {
    if (!controls) return;
    const stop = () => (flight.current = null);
    controls.addEventListener('start', stop);
    return () => controls.removeEventListener('start', stop);
  }, [controls]);

  useFrame(() => {
    const f = flight.current;
    if (!f) return;
    const k = Math.min(1, (performance.now() - f.t0) / FLIGHT_MS);
    const e = ease(k);
    const t = f.fromTarget.clone().lerp(f.toTarget, e);
    const from = f.fromOffset.clone().normalize();
    const to = f.toOffset.clone().normalize();
    const turn = new Quaternion().slerpQuaternions(new Quaternion(), new Quaternion().setFromUnitVectors(from, to), e);
    const len = f.fromOffset.length() + (f.toOffset.length() - f.fromOffset.length()) * e;
    camera.position.copy(t).addScaledVector(from.applyQuaternion(turn), len);
    if (k >= 1) camera.position.copy(f.toTarget).add(f.toOffset);
    camera.lookAt(t);
    if (controls) {
      controls.target.copy(t);
      controls.update();
    }
    if (k < 1) {
      invalidate();
      return;
    }
    flight.current = null;
    const toData = new Matrix4().compose(offset, rotation, new Vector3(1, 1, 1)).invert();
    const c = camera.position.clone().applyMatrix4(toData);
    onArriveRef.current(f.id, [c.x, c.y, c.z]);
  });
  return null;
}
