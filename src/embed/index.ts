/**
 * The embed library (Vite library build: vite.lib.config.ts): the <splat-viewer> element, the
 * stream loader (in a worker: loadStreamInWorker) and the stream decoder, for other people's
 * pages. Importing it registers the element. The r3f component is the other entry (r3f.ts).
 */
import { defineSplatViewer } from './splatViewer.ts';

export { defineSplatViewer, SPLAT_VIEWER_TAG, splatViewerClass, type SplatViewerElement } from './splatViewer.ts';
export { fetchChunk, loadStream, type LoadStreamHandlers, type StreamProgress } from './streamLoader.ts';
export { loadStreamInWorker, type StreamLoadHandlers, type StreamLoadResult } from './streamWorkerClient.ts';
export { frameCloud, orbitCamera, type Orbit } from './orbit.ts';
export { createStreamDecoder, decodeStream, parseStreamHeader, StreamFormatError, type StreamDecoder, type StreamHeader } from '../stream/index.ts';

if (typeof customElements !== 'undefined') defineSplatViewer();
