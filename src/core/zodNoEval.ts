/**
 * zod (scene.json, model manifests) compiles fast parsers with `new Function` when it can, and
 * finds out whether it can by calling `new Function("")` once: under the app's
 * Content-Security-Policy (no 'unsafe-eval', vite.csp.ts) that probe is a CSP violation. Parsing
 * without it is plenty fast for files of this size, so zod is told not to try. Import this
 * module (for its effect) wherever a schema is defined.
 */
import { z } from 'zod';

z.config({ jitless: true });
