/**
 * Lets plain Node (tsx) import `*.wgsl?raw` the way Vite does, so benchmarks and CLI scripts load
 * the same kernel sources as the app and the tests. Import this first, then import modules that
 * use WGSL dynamically (static imports are resolved before this module runs).
 */
import { register } from 'node:module';

const hooks = `
import { readFile } from 'node:fs/promises';
export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.wgsl?raw')) {
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.wgsl?raw')) {
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
  }
  return next(url, context);
}
`;

register(`data:text/javascript,${encodeURIComponent(hooks)}`);
