/**
 * The README stands on its own (issue 12, item 9): every link points inside the repository, the
 * opening says what a newcomer needs (Node, a browser with WebGPU and the Linux flags) and what
 * to expect on a software GPU, and the Node version it names is the one package.json declares.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };

describe('README', () => {
  it('links only inside the repository, to files that exist and headings that exist', () => {
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(0);
    const anchors = new Set([...readme.matchAll(/^#+ (.+)$/gm)].map((m) => m[1].toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s+/g, '-')));
    for (const link of links) {
      expect(link, link).not.toMatch(/^(https?:|\.\.\/|\/)/);
      if (link.startsWith('#')) expect(anchors.has(link.slice(1)), link).toBe(true);
      else expect(existsSync(resolve(ROOT, link.split('#')[0])), link).toBe(true);
    }
  });

  it('opens with what a newcomer needs: Node, WebGPU browsers and flags, what a software GPU means', () => {
    const opening = readme.slice(0, readme.indexOf('## What works today'));
    expect(opening).toMatch(/WebGPU/);
    expect(opening).toMatch(/Chrome or Edge 113\+/);
    expect(opening).toContain('--enable-unsafe-webgpu');
    expect(opening).toMatch(/software adapter/);
    expect(opening).toMatch(/npm install && npm run dev/);
    const min = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(min, 'engines.node is a plain minimum').toBeDefined();
    expect(opening).toContain(`Node.js ${min} or newer`);
  });

  it('npm has no unknown project config to warn about', () => {
    const npmrc = readFileSync(resolve(ROOT, '.npmrc'), 'utf8');
    expect(npmrc).not.toMatch(/onnxruntime-node-install/);
  });
});
