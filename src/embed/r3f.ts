/**
 * The embed library's React entry (dist-lib/splat-viewer-r3f.js): <SplatStream> for
 * @react-three/fiber scenes. React, react-dom, three and @react-three/fiber are the page's own
 * (peer dependencies, not bundled), so the component joins the page's React tree and r3f canvas.
 */
export { SplatStream, type SplatStreamProps } from './SplatStream.tsx';
export { loadStreamInWorker, type StreamLoadHandlers, type StreamLoadResult } from './streamWorkerClient.ts';
