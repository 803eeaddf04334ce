/**
 * The end-to-end project's global setup: one production build of the app for every e2e file,
 * instead of one per file (12 files; about 7 s a build on a 2-core machine). The files serve it
 * with their own `vite preview` (tests/e2e/harness.ts buildAndPreview) and never write into it.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildApp, ROOT } from './harness.ts';

const SHARED_DIST = resolve(ROOT, 'test-results/e2e-shared-dist');

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the shared production build. */
    e2eBuildDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildApp(SHARED_DIST);
  project.provide('e2eBuildDir', SHARED_DIST);
  return async () => {
    await rm(SHARED_DIST, { recursive: true, force: true });
  };
}
