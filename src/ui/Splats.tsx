/**
 * <Splats>: a Gaussian-splat cloud inside a react-three-fiber scene, drawn by the viewer's splat
 * renderer (src/render/createSplatRenderer.ts: WebGPU when the browser has it, WebGL2 otherwise,
 * or the backend asked for) so that camera frustums, grids and other three.js helpers share the
 * view.
 *
 * How it composes: the splats are drawn into a canvas of their own, stacked directly under r3f's
 * (transparent) WebGL canvas, at the same drawing-buffer size, every frame with the r3f camera of
 * that frame (converted to the OpenCV camera of the data's world, taking the transform of the
 * group <Splats> sits in into account). The scene's background colour, if any, becomes the splat
 * layer's background and is removed from the three.js scene while <Splats> is mounted, so the
 * layer shows through. Three.js content is drawn over the splats; for it to be hidden behind
 * them, add <SplatOccluder> (SplatOccluder.tsx: the splats' depth, written before the helpers).
 *
 * Each splat frame is drawn with an order sorted for its own camera (FrameStats.orderAge 0 on
 * both backends). A splat frame takes GPU (or sort-worker) time; while one is in flight, newer r3f
 * frames are coalesced into one more splat frame for the newest camera (works with
 * frameloop="demand" too).
 *
 * Example (inside the rotated group of the app's Viewport, so the data's world lines up with the
 * camera frustums):
 *
 *   <Canvas frameloop="demand" camera={{ fov: 45, near: 0.01, far: 1000 }}>
 *     <color attach="background" args={['#0e1116']} />
 *     <group quaternion={rotation} position={offset}>
 *       <Splats cloud={cloud} onBackend={(b) => setBackend(b)} onFrame={(s) => setStats(s)} onError={showError} />
 *       {cams.map((v) => <CameraFrustum key={v.id} camera={v.camera!} ... />)}
 *     </group>
 *   </Canvas>
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useRef, useState } from 'react';
import { Color, SRGBColorSpace, Vector2, type Group, type PerspectiveCamera } from 'three';
import type { Camera } from '../core/camera.ts';
import type { GaussianCloud } from '../core/gaussianCloud.ts';
import { getGpuDevice } from '../gpu/device.ts';
import { createSplatRenderer } from '../render/createSplatRenderer.ts';
import type { FrameStats, RendererBackend, SplatRenderer } from '../render/splatRenderer.ts';
import { cameraFromThree } from '../render/webgpu/cameraFromThree.ts';

/** Which backend draws, and why WebGPU was not used when 'auto' fell back to WebGL2. */
export interface SplatBackendInfo {
  backend: RendererBackend;
  /** The reason 'auto' did not use WebGPU; null when nothing fell back. */
  fallbackReason: string | null;
}

export interface SplatsProps {
  /** The cloud to show (null: nothing, just the background). */
  cloud: GaussianCloud | null;
  /** Mip-Splatting 2D filter, as the cloud was trained (from the file). Default false. */
  antialiased?: boolean;
  /** Render SH up to this degree (default: the cloud's). */
  maxShDegree?: number;
  /** RGB 0..1 behind the splats. Default: the scene's background colour at mount, else black. */
  background?: readonly [number, number, number];
  /** 'auto' (default): WebGPU when the browser has it, else WebGL2. A named backend is used or fails. */
  backend?: 'auto' | RendererBackend;
  /** A WebGPU device to use (default: one viewer device shared by every <Splats> of the page). */
  device?: GPUDevice;
  /** False hides the splat layer and draws nothing (the cloud stays uploaded). Default true. */
  visible?: boolean;
  /** Once the renderer exists: which backend draws, and why it fell back if it did. */
  onBackend?: (info: SplatBackendInfo) => void;
  /**
   * After every splat frame, with its statistics, the renderer (e.g. to readPixels), and what it
   * drew: the camera and the cloud (the `cloud` prop at the frame's start; null for none).
   */
  onFrame?: (stats: FrameStats, renderer: SplatRenderer, drawn: { camera: Camera; cloud: GaussianCloud | null }) => void;
  /** No splat renderer possible, device lost, non-perspective camera, or a failed frame. */
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

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/**
 * The renderer for the layer: createSplatRenderer with the page's shared viewer device when
 * WebGPU may be used. Without a device ('auto'), WebGL2 draws and the reason is reported.
 */
async function layerRenderer(layer: HTMLCanvasElement, backend: 'auto' | RendererBackend, device: GPUDevice | undefined): Promise<{ renderer: SplatRenderer; info: SplatBackendInfo }> {
  let fallbackReason: string | null = null;
  if (backend === 'webgl2') return { renderer: await createSplatRenderer(layer, { backend }), info: { backend, fallbackReason } };
  let shared = device;
  if (!shared) {
    try {
      shared = await viewerDevice();
    } catch (e) {
      if (backend === 'webgpu') throw new Error(`WebGPU renderer unavailable: ${firstLine(e)}`);
      fallbackReason = `WebGPU renderer unavailable: ${firstLine(e)}`;
      return { renderer: await createSplatRenderer(layer, { backend: 'webgl2' }), info: { backend: 'webgl2', fallbackReason } };
    }
  }
  const renderer = await createSplatRenderer(layer, { backend, device: shared, onFallback: (why) => (fallbackReason = why) });
  return { renderer, info: { backend: renderer.backend, fallbackReason } };
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
  layer.dataset.splatLayer = 'starting';
  parent.insertBefore(layer, glCanvas);
  // Positioned, and later in the document: painted over the layer.
  const savedPosition = glCanvas.style.position;
  if (!savedPosition || savedPosition === 'static') glCanvas.style.position = 'relative';
  return () => {
    layer.remove();
    glCanvas.style.position = savedPosition;
  };
}

export function Splats({ cloud, antialiased: antialiasedProp, maxShDegree, background, backend = 'auto', device, visible = true, onBackend, onFrame, onError }: SplatsProps) {
  const gl = useThree((s) => s.gl);
  const scene = useThree((s) => s.scene);
  const invalidate = useThree((s) => s.invalidate);
  // The file's (or the trainer's) flag, unless the caller overrides it.
  const antialiased = antialiasedProp ?? cloud?.antialiased ?? false;
  const anchor = useRef<Group>(null);
  const [renderer, setRenderer] = useState<SplatRenderer | null>(null);
  const callbacks = useRef({ onFrame, onError, onBackend });
  callbacks.current = { onFrame, onError, onBackend };
  const layerRef = useRef<HTMLCanvasElement | null>(null);
  const sceneBackground = useRef<[number, number, number]>([0, 0, 0]);
  const frame = useRef({ inFlight: false, again: false });
  // Latest values for the frame loop, which outlives any one render of this component.
  const latest = useRef({ renderer, background, visible, camera: null as unknown, uploaded: null as GaussianCloud | null });
  latest.current.renderer = renderer;
  latest.current.background = background;
  latest.current.visible = visible;

  // The layer canvas and its renderer.
  useEffect(() => {
    const layer = document.createElement('canvas');
    layerRef.current = layer;
    const unstack = stackUnder(gl.domElement, layer);
    let made: SplatRenderer | null = null;
    let cancelled = false;
    layerRenderer(layer, backend, device)
      .then(({ renderer: r, info }) => {
        if (cancelled) return r.destroy();
        made = r;
        layer.dataset.splatLayer = r.backend;
        setRenderer(r);
        callbacks.current.onBackend?.(info);
      })
      .catch((e: Error) => {
        if (!cancelled) callbacks.current.onError?.(e);
      });
    return () => {
      cancelled = true;
      latest.current.renderer = null; // a frame still in flight reports nothing
      setRenderer(null);
      made?.destroy();
      unstack();
      layerRef.current = null;
    };
  }, [gl, device, backend]);

  // Hidden: the layer is not shown and no frames are drawn; shown again: one frame now.
  useEffect(() => {
    if (layerRef.current) layerRef.current.style.visibility = visible ? 'visible' : 'hidden';
    if (visible) invalidate();
  }, [visible, renderer, invalidate]);

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
      latest.current.uploaded = cloud;
    } catch (e) {
      callbacks.current.onError?.(e as Error);
    }
    invalidate();
  }, [renderer, cloud, antialiased, maxShDegree, invalidate]);

  const bufferSize = useRef(new Vector2());

  const draw = useRef(() => {
    const { renderer: r, camera, visible: shown } = latest.current;
    const f = frame.current;
    if (!r || !camera || !shown) return;
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
    const drawn = { camera: view, cloud: latest.current.uploaded };
    r.render(view, latest.current.background ?? sceneBackground.current)
      .then((stats) => {
        if (latest.current.renderer === r) callbacks.current.onFrame?.(stats, r, drawn);
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
