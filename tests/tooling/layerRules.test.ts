/**
 * The layer rules (eslint.config.js, run over the whole tree by `npm run lint:layers` inside
 * `npm test`) fire on a deliberate violation of each, naming the rule; and the allowed
 * directions stay allowed. Each case lints a few lines as if they were a file in that layer.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function ruleNamesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`could not parse ${file}: ${fatal[0].message}`);
  return result.messages.map((m) => /layer rule "([^"]+)"/.exec(m.message)?.[1] ?? `unnamed: ${m.message}`);
}

describe('layer rules', () => {
  const violations: [rule: string, file: string, code: string][] = [
    ['core-imports-no-other-layer', 'src/core/violation.ts', "import { loadScene } from '../io/sceneFolder.ts';\nexport const x = loadScene;\n"],
    ['render-imports-neither-recon-nor-ui', 'src/render/violation.ts', "import { Header } from '../ui/Header.tsx';\nexport const x = Header;\n"],
    ['render-imports-neither-recon-nor-ui', 'src/render/violation2.ts', "import { carveVisualHull } from '../recon/hull/carve.ts';\nexport const x = carveVisualHull;\n"],
    ['models-imports-no-io', 'src/models/violation.ts', "import { loadScene } from '../io/sceneFolder.ts';\nexport const x = loadScene;\n"],
    ['worker-plumbing-imports-only-core', 'src/worker/violation.ts', "import { loadScene } from '../io/sceneFolder.ts';\nexport const x = loadScene;\n"],
    ['nothing-imports-src-node', 'src/recon/violation.ts', "import { fsSource } from '../node/fsFileSource.ts';\nexport const x = fsSource;\n"],
    ['only-ui-imports-react', 'src/render/violation.tsx', "import { useState } from 'react';\nexport const x = useState;\n"],
    ['only-ui-imports-react', 'src/recon/violation.ts', "import { useFrame } from '@react-three/fiber';\nexport const x = useFrame;\n"],
    ['no-node-modules-outside-src-node', 'src/io/violation.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n"],
    ['no-node-modules-outside-src-node', 'src/core/violation.ts', "import { join } from 'path';\nexport const x = join;\n"],
    ['only-gpu-and-render-touch-webgpu', 'src/recon/violation.ts', 'export function f(device: GPUDevice) {\n  return device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE });\n}\n'],
    ['only-gpu-and-render-touch-webgpu', 'src/ui/violation.ts', 'export const hasGpu = () => navigator.gpu !== undefined;\n'],
  ];
  for (const [rule, file, code] of violations)
    it(`${rule} fires for ${file}`, async () => {
      expect(await ruleNamesFor(file, code)).toContain(rule);
    });

  const allowed: [why: string, file: string, code: string][] = [
    ['ui uses React, render and recon', 'src/ui/ok.tsx', "import { useState } from 'react';\nimport { createSplatRenderer } from '../render/createSplatRenderer.ts';\nimport { reconstructScene } from '../recon/reconstructScene.ts';\nexport const x = [useState, createSplatRenderer, reconstructScene];\n"],
    ['gpu creates buffers', 'src/gpu/ok.ts', 'export function f(device: GPUDevice) {\n  return device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE });\n}\n'],
    ['src/node reads files', 'src/node/ok.ts', "import { readFile } from 'node:fs/promises';\nimport { loadScene } from '../io/sceneFolder.ts';\nexport const x = [readFile, loadScene];\n"],
    ['recon uses core, io and gpu', 'src/recon/ok.ts', "import { cameraCenter } from '../core/camera.ts';\nimport { loadScene } from '../io/sceneFolder.ts';\nimport { getGpuDevice } from '../gpu/device.ts';\nexport const x = [cameraCenter, loadScene, getGpuDevice];\n"],
  ];
  for (const [why, file, code] of allowed)
    it(`allows: ${why}`, async () => {
      expect(await ruleNamesFor(file, code)).toEqual([]);
    });
});
