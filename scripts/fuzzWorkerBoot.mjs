// Node 20 does not carry tsx's loader into worker threads: register it here, then load the
// TypeScript worker (scripts/fuzz.ts starts this file).
import { register } from 'tsx/esm/api';

register();
await import('./fuzzWorker.ts');
