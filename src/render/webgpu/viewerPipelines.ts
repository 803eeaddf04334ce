/**
 * The viewer's pipelines, compiled once per device (and per target format for the render
 * pipelines): splatProject and splatCompact (compute), splatDraw (instanced quads, premultiplied
 * "over" blending into an rgba16float accumulation texture) and splatPresent (accumulation to a
 * display or read-back format).
 */
import { computePipeline } from '../../gpu/pipelines.ts';
import { VIEWER_WGSL } from './wgsl.ts';

/** Float accumulation: 8-bit blending would round after every splat (errors pile up over layers). */
export const ACCUMULATION_FORMAT: GPUTextureFormat = 'rgba16float';

const renderCache = new WeakMap<GPUDevice, Map<string, GPURenderPipeline>>();

function renderPipeline(device: GPUDevice, key: string, make: () => GPURenderPipeline): GPURenderPipeline {
  let perDevice = renderCache.get(device);
  if (!perDevice) renderCache.set(device, (perDevice = new Map()));
  let p = perDevice.get(key);
  if (!p) perDevice.set(key, (p = make()));
  return p;
}

export interface ViewerPipelines {
  project: GPUComputePipeline;
  compact: GPUComputePipeline;
  draw: GPURenderPipeline;
}

export function viewerPipelines(device: GPUDevice): ViewerPipelines {
  return {
    project: computePipeline(device, 'splatProject', VIEWER_WGSL.splatProject),
    compact: computePipeline(device, 'splatCompact', VIEWER_WGSL.splatCompact),
    draw: renderPipeline(device, 'splatDraw', () => {
      const module = device.createShaderModule({ label: 'splatDraw', code: VIEWER_WGSL.splatDraw });
      const over: GPUBlendComponent = { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' };
      return device.createRenderPipeline({
        label: 'splatDraw',
        layout: 'auto',
        vertex: { module, entryPoint: 'vertexMain' },
        fragment: { module, entryPoint: 'fragmentMain', targets: [{ format: ACCUMULATION_FORMAT, blend: { color: over, alpha: over } }] },
        primitive: { topology: 'triangle-strip' },
      });
    }),
  };
}

export function presentPipeline(device: GPUDevice, format: GPUTextureFormat): GPURenderPipeline {
  return renderPipeline(device, `splatPresent ${format}`, () => {
    const module = device.createShaderModule({ label: 'splatPresent', code: VIEWER_WGSL.splatPresent });
    return device.createRenderPipeline({
      label: `splatPresent ${format}`,
      layout: 'auto',
      vertex: { module, entryPoint: 'vertexMain' },
      fragment: { module, entryPoint: 'fragmentMain', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
  });
}

/** Encodes one full-screen pass copying `frame` (accumulation texture) into `target`. */
export function encodePresent(device: GPUDevice, encoder: GPUCommandEncoder, frame: GPUTexture, target: GPUTexture): void {
  const pipeline = presentPipeline(device, target.format);
  const group = device.createBindGroup({ label: 'splatPresent', layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: frame.createView() }] });
  const pass = encoder.beginRenderPass({
    label: 'splatPresent',
    colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] }],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.draw(3);
  pass.end();
}
