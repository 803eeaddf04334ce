/**
 * The viewer's WGSL, composed with the trainer's own chunks (src/gpu/kernels/chunks): the
 * projection, SH colour, ProjectedSplat record and alpha rule are the same text the trainer
 * compiles, so the viewer cannot drift from what was trained.
 */
import { BLEND_WGSL as blend } from '../../gpu/kernels/chunks/blend.ts';
import linearIndex from '../../gpu/kernels/chunks/linearIndex.wgsl?raw';
import projectSplat from '../../gpu/kernels/chunks/projectSplat.wgsl?raw';
import projectedSplat from '../../gpu/kernels/chunks/projectedSplat.wgsl?raw';
import rasterUniforms from '../../gpu/kernels/chunks/rasterUniforms.wgsl?raw';
import screenFootprint from '../../gpu/kernels/chunks/screenFootprint.wgsl?raw';
import sh from '../../gpu/kernels/chunks/sh.wgsl?raw';
import { composeWgsl } from '../../gpu/pipelines.ts';
import fullScreenTriangle from './fullScreenTriangle.wgsl?raw';
import quadAxes from './quadAxes.wgsl?raw';
import saturationTiles from './saturationTiles.wgsl?raw';
import splatCompact from './splatCompact.wgsl?raw';
import splatDraw from './splatDraw.wgsl?raw';
import splatPresent from './splatPresent.wgsl?raw';
import splatProject from './splatProject.wgsl?raw';
import splatSaturation from './splatSaturation.wgsl?raw';

export const VIEWER_WGSL = {
  splatProject: composeWgsl(rasterUniforms, sh, projectSplat, projectedSplat, blend, linearIndex, screenFootprint, quadAxes, splatProject),
  splatCompact: composeWgsl(linearIndex, splatCompact),
  splatDraw: composeWgsl(rasterUniforms, projectedSplat, blend, fullScreenTriangle, saturationTiles, splatDraw),
  splatPresent: composeWgsl(fullScreenTriangle, splatPresent),
  splatSaturation: composeWgsl(fullScreenTriangle, saturationTiles, splatSaturation),
} as const;
