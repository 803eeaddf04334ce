/**
 * three.js's console output, minus one line the page cannot act on: @react-three/fiber (9.x)
 * creates a THREE.Clock for every canvas, and three.js r183+ warns "Clock: This module has been
 * deprecated" on every load. That warning is about a library's internals, not this app's, so it
 * is dropped; every other message of three.js goes to the console as before.
 */
import { setConsoleFunction } from 'three';

const DROPPED = /^THREE\.Clock: This module has been deprecated/;

export function quietThreeConsole(): void {
  setConsoleFunction((type: 'log' | 'warn' | 'error', message: string, ...params: unknown[]) => {
    if (type === 'warn' && DROPPED.test(message)) return;
    console[type](message, ...params);
  });
}
