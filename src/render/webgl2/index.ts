/** The WebGL2 viewer backend: see webgl2SplatRenderer.ts. */
export { createWebGl2SplatRenderer, WebGl2UnavailableError, type WebGl2RendererOptions } from './webgl2SplatRenderer.ts';
export type { DepthSorter, SortedOrder, SortRequest } from './sortProtocol.ts';
export { createWorkerSorter } from './workerSorter.ts';
export { prepareSortCloud, type SortCloud } from './viewDepths.ts';
