import { availableParallelism } from 'node:os';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM, CHROMIUM_FLAGS } from './tests/chromium.ts';

// Three projects: fast Node unit tests; end-to-end tests that drive the built app in headless
// Chromium; and browser tests that run the GPU kernels in Chromium's own WebGPU (SwiftShader).
// Chromium is always the system one (/usr/bin/chromium, see ../shared/GPU-TESTING.md): nothing
// here downloads a browser.
export default defineConfig({
  test: {
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores that is one, and the
    // whole suite ran one file at a time while most unit files (SfM, matching, the CPU references)
    // use a single core. Two files at a time there; the end-to-end files still run one by one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/browser/**', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['tests/e2e/**/*.test.ts'],
          // One production build of the app for all the files (tests/e2e/sharedBuild.ts).
          globalSetup: ['tests/e2e/sharedBuild.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // onnxruntime-web is excluded from pre-bundling, as in vite.config.ts, so that Vite does not
        // reload the page on its first import; React, r3f and three are pre-bundled up front for the
        // same reason (found on the first run, they would reload the page mid-test).
        optimizeDeps: {
          exclude: ['onnxruntime-web'],
          include: ['react', 'react-dom/client', 'react/jsx-dev-runtime', '@react-three/fiber', 'three'],
        },
        server: { host: '127.0.0.1' },
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            api: { host: '127.0.0.1' },
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_FLAGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
