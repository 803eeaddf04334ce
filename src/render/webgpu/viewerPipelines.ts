/**
 * The viewer's pipelines, compiled once per device (and per target format for the render
 * pipelines): splatProject and splatCompact (compute), splatDraw (indexed quads, front to back,
 * premultiplied "under" blending into an rgba16float accumulation texture, depth-tested against
 * the saturation mask), splatBackground, splatSaturation (the mask between draw batches) and
 * splatPresent (accumulation to a display or read-back format).
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

/** The draw batches' depth attachment: 1 = open, 0 = saturated (splatSaturation.wgsl). */
export const SATURATION_FORMAT: GPUTextureFormat = 'depth16unorm';
/** SATURATION_TILE of the chunk saturationTiles.wgsl (pixels per side of a tile flag). */
export const SATURATION_TILE_SIZE = 16;

export interface ViewerPipelines {
  project: GPUComputePipeline;
  compact: GPUComputePipeline;
  /**
   * splatDraw and splatBackground share one explicit layout: group 0 the cloud's buffers
   * (splatResources), group 1 the frame's tileOpenFromTile.
   */
  draw: GPURenderPipeline;
  background: GPURenderPipeline;
  drawLayout: GPUBindGroupLayout;
  drawTilesLayout: GPUBindGroupLayout;
  saturation: GPURenderPipeline;
}

export function viewerPipelines(device: GPUDevice): ViewerPipelines {
  const { drawLayout, drawTilesLayout } = drawBindGroupLayouts(device);
  const [draw, background] = (['splatDraw', 'splatBackground'] as const).map((name) =>
    renderPipeline(device, name, () => {
      const module = device.createShaderModule({ label: 'splatDraw', code: VIEWER_WGSL.splatDraw });
      // Front to back, premultiplied: C += (1 - A) c a, A += (1 - A) a.
      const under: GPUBlendComponent = { srcFactor: 'one-minus-dst-alpha', dstFactor: 'one', operation: 'add' };
      const splats = name === 'splatDraw';
      return device.createRenderPipeline({
        label: name,
        layout: device.createPipelineLayout({ label: name, bindGroupLayouts: [drawLayout, drawTilesLayout] }),
        vertex: { module, entryPoint: splats ? 'vertexMain' : 'vertexFullScreen' },
        fragment: { module, entryPoint: splats ? 'fragmentMain' : 'fragmentBackground', targets: [{ format: ACCUMULATION_FORMAT, blend: { color: under, alpha: under } }] },
        primitive: { topology: 'triangle-list' },
        // Splats only where the saturation passes left the depth at 1; the background everywhere.
        depthStencil: { format: SATURATION_FORMAT, depthWriteEnabled: false, depthCompare: splats ? 'less' : 'always' },
      });
    }),
  );
  const saturation = renderPipeline(device, 'splatSaturation', () => {
    const module = device.createShaderModule({ label: 'splatSaturation', code: VIEWER_WGSL.splatSaturation });
    return device.createRenderPipeline({
      label: 'splatSaturation',
      layout: 'auto',
      vertex: { module, entryPoint: 'vertexMain' },
      fragment: { module, entryPoint: 'fragmentMain', targets: [] },
      primitive: { topology: 'triangle-list' },
      depthStencil: { format: SATURATION_FORMAT, depthWriteEnabled: true, depthCompare: 'always' },
    });
  });
  return {
    project: computePipeline(device, 'splatProject', VIEWER_WGSL.splatProject),
    compact: computePipeline(device, 'splatCompact', VIEWER_WGSL.splatCompact),
    draw,
    background,
    drawLayout,
    drawTilesLayout,
    saturation,
  };
}

const layoutCache = new WeakMap<GPUDevice, { drawLayout: GPUBindGroupLayout; drawTilesLayout: GPUBindGroupLayout }>();

/** Group 0: uniforms | splatIdFromDepthRank | projectedFromSplat | quadHalfExtentFromSplat | quadAxesFromSplat; group 1: tileOpenFromTile. */
function drawBindGroupLayouts(device: GPUDevice): { drawLayout: GPUBindGroupLayout; drawTilesLayout: GPUBindGroupLayout } {
  let layouts = layoutCache.get(device);
  if (!layouts) {
    const visibility = GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT;
    const readOnly = (binding: number) => ({ binding, visibility: GPUShaderStage.VERTEX, buffer: { type: 'read-only-storage' as const } });
    layouts = {
      drawLayout: device.createBindGroupLayout({ label: 'splatDraw', entries: [{ binding: 0, visibility, buffer: { type: 'uniform' } }, readOnly(1), readOnly(2), readOnly(3), readOnly(4)] }),
      drawTilesLayout: device.createBindGroupLayout({ label: 'splatDraw tiles', entries: [readOnly(0)] }),
    };
    layoutCache.set(device, layouts);
  }
  return layouts;
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
export function encodePresent(device: GPUDevice, encoder: GPUCommandEncoder, frame: GPUTexture, target: GPUTexture, timestampWrites?: GPURenderPassTimestampWrites): void {
  const pipeline = presentPipeline(device, target.format);
  const group = device.createBindGroup({ label: 'splatPresent', layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: frame.createView() }] });
  const pass = encoder.beginRenderPass({
    label: 'splatPresent',
    colorAttachments: [{ view: target.createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] }],
    timestampWrites,
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.draw(3);
  pass.end();
}
