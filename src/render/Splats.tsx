/**
 * <Splats>: a Gaussian-splat cloud inside a react-three-fiber scene, drawn by the WebGPU viewer
 * (src/render/webgpu) so that camera frustums, grids and other three.js helpers share the view.
 *
 * How it composes: the splats are drawn with WebGPU into a canvas of their own, stacked directly
 * under r3f's (transparent) WebGL canvas, at the same drawing-buffer size, every frame with the
 * r3f camera of that frame (converted to the OpenCV camera of the data's world, taking the
 * transform of the group <Splats> sits in into account). The scene's background colour, if any,
 * becomes the splat layer's background and is removed from the three.js scene while <Splats> is
 * mounted, so the layer shows through. Three.js content is therefore always drawn over the
 * splats (no depth test between the two).
 *
 * Each splat frame is sorted on the GPU for its own camera (FrameStats.orderAge 0). A splat frame
 * takes GPU time; while one is in flight, newer r3f frames are coalesced into one more splat
 * frame for the newest camera (works with frameloop="demand" too).
 *
 * Example (inside the rotated group of the app's Viewport, so the data's world lines up with the
 * camera frustums):
 *
 *   <Canvas frameloop="demand" camera={{ fov: 45, near: 0.01, far: 1000 }}>
 *     <color attach="background" args={['#0e1116']} />
 *     <group quaternion={rotation} position={offset}>
 *       <Splats cloud={cloud} antialiased={fileSaysMip} onFrame={(s) => setStats(s)} onError={showError} />
 *       {cams.map((v) => <CameraFrustum key={v.id} camera={v.camera!} ... />)}
 *     </group>
 *   </Canvas>
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef, useState } from 'react';
import { Color, SRGBColorSpace, Vector2, type Group, type PerspectiveCamera } from 'three';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { getGpuDevice } from '../gpu/device.ts';
import type { FrameStats, SplatRenderer } from './splatRenderer.ts';
import { cameraFromThree } from './webgpu/cameraFromThree.ts';
import { createWebGpuSplatRenderer, type WebGpuSplatRenderer } from './webgpu/webGpuSplatRenderer.ts';

export interface SplatsProps {
  /** The cloud to show (null: nothing, just the background). */
  cloud: GaussianCloud | null;
  /** Mip-Splatting 2D filter, as the cloud was trained (from the file). Default false. */
  antialiased?: boolean;
  /** Render SH up to this degree (default: the cloud's). */
  maxShDegree?: number;
  /** RGB 0..1 behind the splats. Default: the scene's background colour at mount, else black. */
  background?: readonly [number, number, number];
  /** A WebGPU device to use (default: one viewer device shared by every <Splats> of the page). */
  device?: GPUDevice;
  /** After every splat frame, with its statistics and the renderer (e.g. to readPixels). */
  onFrame?: (stats: FrameStats, renderer: SplatRenderer) => void;
  /** No WebGPU, device lost, non-perspective camera, or a failed frame. */
  onError?: (error: Error) => void;
}

let sharedDevice: Promise<GPUDevice> | null = null;

function viewerDevice(): Promise<GPUDevice> {
  if (!sharedDevice) {
    const made = getGpuDevice({ timestamps: true, onLost: () => (sharedDevice = null) }).then((c) => c.device);
    made.catch(() => (sharedDevice = null));
    sharedDevice = made;
  }
  return sharedDevice;
}

const EMPTY_CLOUD: GaussianCloud = {
  count: 0,
  shDegree: 0,
  means: new Float32Array(0),
  logScales: new Float32Array(0),
  quats: new Float32Array(0),
  opacityLogits: new Float32Array(0),
  sh: new Float32Array(0),
};

/** The canvas the splats are drawn into, inserted under r3f's canvas; returns the undo. */
function stackUnder(glCanvas: HTMLCanvasElement, layer: HTMLCanvasElement): () => void {
  const parent = glCanvas.parentElement;
  if (!parent) throw new Error('<Splats>: the r3f canvas is not in the document');
  Object.assign(layer.style, { position: 'absolute', left: '0', top: '0', width: '100%', height: '100%', display: 'block', pointerEvents: 'none' });
  layer.dataset.splatLayer = 'webgpu';
  parent.insertBefore(layer, glCanvas);
  // Positioned, and later in the document: painted over the layer.
  const savedPosition = glCanvas.style.position;
  if (!savedPosition || savedPosition === 'static') glCanvas.style.position = 'relative';
  return () => {
    layer.remove();
    glCanvas.style.position = savedPosition;
  };
}

export function Splats({ cloud, antialiased = false, maxShDegree, background, device, onFrame, onError }: SplatsProps) {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const invalidate = useThree((s) => s.invalidate);
  const anchor = useRef<Group>(null);
  const [renderer, setRenderer] = useState<WebGpuSplatRenderer | null>(null);
  const callbacks = useRef({ onFrame, onError });
  callbacks.current = { onFrame, onError };
  const sceneBackground = useRef<[number, number, number]>([0, 0, 0]);
  const frame = useRef({ inFlight: false, again: false });
  // Latest values for the frame loop, which outlives any one render of this component.
  const latest = useRef({ renderer, background, camera: null as unknown });
  latest.current.renderer = renderer;
  latest.current.background = background;

  // The layer canvas and its renderer.
  useEffect(() => {
    const layer = document.createElement('canvas');
    const unstack = stackUnder(gl.domElement, layer);
    let made: WebGpuSplatRenderer | null = null;
    let cancelled = false;
    (device ? Promise.resolve(device) : viewerDevice())
      .then((d) => {
        if (cancelled) return;
        made = createWebGpuSplatRenderer(d, layer);
        setRenderer(made);
      })
      .catch((e: Error) => callbacks.current.onError?.(e));
    return () => {
      cancelled = true;
      latest.current.renderer = null; // a frame still in flight reports nothing
      setRenderer(null);
      made?.destroy();
      unstack();
    };
  }, [gl, device]);

  // The scene's background becomes the layer's.
  useEffect(() => {
    const saved = scene.background;
    if (saved instanceof Color) {
      const c = saved.getRGB({ r: 0, g: 0, b: 0 }, SRGBColorSpace);
      sceneBackground.current = [c.r, c.g, c.b];
    }
    scene.background = null;
    invalidate();
    return () => {
      scene.background = saved;
      invalidate();
    };
  }, [scene, invalidate]);

  useEffect(() => {
    if (!renderer) return;
    try {
      renderer.setCloud(cloud ?? EMPTY_CLOUD, { antialiased, maxShDegree });
    } catch (e) {
      callbacks.current.onError?.(e as Error);
    }
    invalidate();
  }, [renderer, cloud, antialiased, maxShDegree, invalidate]);

  const bufferSize = useRef(new Vector2());

  const draw = useRef(() => {
    const { renderer: r, camera } = latest.current;
    const f = frame.current;
    if (!r || !camera) return;
    if (f.inFlight) {
      f.again = true;
      return;
    }
    if (!(camera as PerspectiveCamera).isPerspectiveCamera) {
      callbacks.current.onError?.(new Error('<Splats> needs a perspective camera'));
      return;
    }
    const size = gl.getDrawingBufferSize(bufferSize.current);
    const view = cameraFromThree(camera as PerspectiveCamera, anchor.current, Math.max(1, Math.round(size.x)), Math.max(1, Math.round(size.y)));
    f.inFlight = true;
    r.render(view, latest.current.background ?? sceneBackground.current)
      .then((stats) => {
        if (latest.current.renderer === r) callbacks.current.onFrame?.(stats, r);
      })
      .catch((e: Error) => {
        if (latest.current.renderer === r) callbacks.current.onError?.(e);
      })
      .finally(() => {
        f.inFlight = false;
        if (f.again) {
          f.again = false;
          draw.current();
        }
      });
  });

  useFrame((state) => {
    latest.current.camera = state.camera;
    draw.current();
  });

  return <group ref={anchor} />;
}
