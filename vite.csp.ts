/**
 * The Content-Security-Policy of the built app, written into dist/index.html as a <meta> by the
 * `csp` Vite plugin (build only: the dev server runs an inline React-refresh preamble and
 * eval-based HMR, which a strict policy would block). One directive per need, nothing wider:
 *
 * - script-src 'self': the app's own modules only. No 'unsafe-inline' (the built index.html has
 *   no inline script) and no 'unsafe-eval'. No 'wasm-unsafe-eval' either: the document compiles
 *   no WebAssembly. The wasm users (onnxruntime-web for masks, features and LPIPS; OpenCV.js for
 *   masks and poses) run only in dedicated workers, which take their policy from their own HTTP
 *   response, not from this <meta> (see README, "Security", for the header a host should send).
 * - worker-src 'self': the seven workers are built as same-origin module scripts (/assets/*.js).
 * - connect-src 'self' https: blob:: bundled scenes and onnxruntime's .wasm come from the app's
 *   own origin; a model file may come from an https URL the person types (src/ui/models/
 *   fetchModel.ts), which the policy cannot know in advance, or a blob: URL. The app fetches
 *   nothing else: tests/e2e/csp.test.ts records every request of a run and finds only its origin.
 *   (Plain http: addresses other than the app's own are refused.)
 * - img-src 'self' data: blob:: the favicon is a data: URL; thumbnails are blob: or canvas.
 * - style-src 'self': the bundled stylesheet. React sets style properties through the CSSOM,
 *   which style-src does not govern.
 * zod's `new Function` probe is switched off (src/core/zodNoEval.ts), or it would be a violation.
 * - object-src 'none', base-uri 'none', form-action 'none': nothing of the kind is used.
 */
export const APP_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'worker-src': ["'self'"],
  'connect-src': ["'self'", 'https:', 'blob:'],
  'img-src': ["'self'", 'data:', 'blob:'],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export function cspString(policy: Record<string, string[]>): string {
  return Object.entries(policy)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}
