/**
 * The OpenCV.js module object, behind a module of our own: opencv.js's export is an Emscripten
 * Module with a `then` method (see ./opencv.ts), so it is imported statically here and handed
 * out wrapped in an object. Only ./opencv.ts imports this file, dynamically, after setting up the
 * global `Module` opencv.js builds on, so OpenCV.js (7.6 MB with its wasm) loads on first use.
 */
// @ts-ignore: the package's types (mirada) are not used; ./opencv.ts types what the stage calls.
import cvModule from '@techstark/opencv-js';

export const wrapped: { cv: unknown } = { cv: cvModule };
