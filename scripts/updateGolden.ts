/**
 * npm run golden:update [-- name-filter]: regenerates the golden images on purpose. Runs the
 * browser golden tests (tests/browser/*Golden*.test.ts, headless Chromium) with
 * VITE_GOLDEN_UPDATE=1, which makes them write their PNGs (tests/golden/<backend>/) from this
 * run before comparing. Review the new images (git diff) before committing them.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const filter = process.argv[2] ?? '';
const files = readdirSync('tests/browser')
  .filter((f) => /golden/i.test(f) && f.endsWith('.test.ts') && f.includes(filter))
  .map((f) => `tests/browser/${f}`);
if (files.length === 0) {
  console.error(`No golden tests in tests/browser/ match "${filter}".`);
  process.exit(2);
}
console.log(`Regenerating golden images: ${files.join(', ')}`);
// vitest's own bin (its package exports do not expose vitest.mjs).
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--project', 'browser', ...files], {
  stdio: 'inherit',
  env: { ...process.env, VITE_GOLDEN_UPDATE: '1' },
});
process.exit(run.status ?? 1);
