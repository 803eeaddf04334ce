/** @mkkellogg/gaussian-splats-3d ships no types; bench/render/viewers/gs3d.ts uses it untyped. */
declare module '@mkkellogg/gaussian-splats-3d';
