// The layer rules of the README's developer section, checked by `npm test` (`npm run lint:layers`).
// Each rule has a name; a violation prints it, so the message says which rule broke and why.
// Only import rules run here: this is a dependency check, not a style linter.
import babelParser from '@babel/eslint-parser';
import boundaries from 'eslint-plugin-boundaries';

/** Every folder of src/ is one layer; workers/ holds the thin comlink wrappers. */
const LAYERS = ['core', 'io', 'recon', 'gpu', 'render', 'stream', 'models', 'ui', 'embed', 'scenegen', 'worker', 'node'];

/** React and its renderers: the UI's business (and the coming embed element's). */
const REACT = ['react', 'react/*', 'react-dom', 'react-dom/*', '@react-three/*'];

/**
 * Calls and names that touch WebGPU itself. Other layers may hold a GPUDevice and pass it on,
 * but creating, copying and mapping GPU objects is src/gpu's and src/render's job.
 */
const WEBGPU_CALLS =
  'createBuffer|createTexture|createBindGroup|createBindGroupLayout|createComputePipeline|createComputePipelineAsync|' +
  'createRenderPipeline|createRenderPipelineAsync|createShaderModule|createCommandEncoder|copyBufferToBuffer|' +
  'copyTextureToBuffer|mapAsync|getMappedRange|writeBuffer|writeTexture|beginComputePass|beginRenderPass|requestAdapter';

function babelTypeScript(plugins) {
  return {
    parser: babelParser,
    parserOptions: { requireConfigFile: false, babelOptions: { babelrc: false, configFile: false, parserOpts: { plugins } } },
  };
}

const rule = (name, why) => `layer rule "${name}": ${why}`;

const SOURCES = ['src/**/*.{ts,tsx}', 'workers/**/*.ts'];
/** Only ui (and the embed element, and the app's entry) import React. */
const REACT_LAYERS = ['src/ui/**', 'src/embed/**', 'src/main.tsx'];
/** Node-only code lives at the edge: src/node (and scripts/, bench/, tests/, which are not layers). */
const NODE_LAYERS = ['src/node/**'];
const NO_REACT = { group: REACT, message: rule('only-ui-imports-react', 'React belongs to src/ui (and src/embed); export plain functions or data instead') };
const NO_NODE_WHY = rule('no-node-modules-outside-src-node', 'this layer runs in the browser; put Node-only code in src/node or scripts/');
/** `node:` modules, the bare built-in names, and Dawn's Node binding of WebGPU. */
const NO_NODE = {
  paths: ['fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'webgpu'].map((name) => ({ name, message: NO_NODE_WHY })),
  patterns: [{ group: ['node:*'], message: NO_NODE_WHY }],
};

export default [
  { ignores: ['dist/**', 'node_modules/**', '.lavapipe/**', 'out/**'] },
  // TypeScript 7 has no JavaScript API for parsers to call, so Babel's TypeScript parser reads the
  // sources (JSX only in .tsx, where `<T>x` casts cannot occur).
  { files: ['**/*.ts'], languageOptions: babelTypeScript(['typescript']) },
  { files: ['**/*.tsx'], languageOptions: babelTypeScript(['typescript', 'jsx']) },
  {
    files: SOURCES,
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        ...LAYERS.map((layer) => ({ type: layer, pattern: `src/${layer}/**`, partialMatch: false })),
        { type: 'workers', pattern: 'workers/**', partialMatch: false },
      ],
      // Import paths name their files with the .ts extension; Node's resolver finds them as written.
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { type: 'core' } },
              disallow: { to: { element: { type: '!core' } } },
              message: rule('core-imports-no-other-layer', 'src/core is the base every layer builds on; move the shared piece into core instead'),
            },
            {
              from: { element: { type: 'render' } },
              disallow: { to: { element: { types: { anyOf: ['recon', 'ui'] } } } },
              message: rule('render-imports-neither-recon-nor-ui', 'the viewer draws clouds; whatever it needs from the UI or a stage belongs in core or render'),
            },
            {
              from: { element: { type: 'models' } },
              disallow: { to: { element: { type: 'io' } } },
              message: rule('models-imports-no-io', 'model manifests and sessions use core only'),
            },
            {
              from: { element: { type: 'worker' } },
              disallow: { to: { element: { types: { noneOf: ['worker', 'core'] } } } },
              message: rule('worker-plumbing-imports-only-core', 'src/worker is comlink plumbing shared by every worker and client; stage code lives in the stages'),
            },
            {
              from: { element: { types: { anyOf: LAYERS.filter((l) => l !== 'node') } } },
              disallow: { to: { element: { type: 'node' } } },
              message: rule('nothing-imports-src-node', 'src/node is the Node-only edge: scripts and tests use it, the browser layers never do'),
            },
            {
              from: { element: { types: { anyOf: LAYERS.filter((l) => !['ui', 'render', 'embed', 'worker'].includes(l)) } } },
              disallow: { to: { element: { type: 'workers' } } },
              message: rule('workers-are-started-by-clients', 'only the page-side worker clients (ui, render, embed) name a worker file'),
            },
          ],
        },
      ],
    },
  },
  // ESLint keeps only the last options of a rule that several blocks set, so each file set gets
  // exactly the import patterns that apply to it.
  {
    files: SOURCES,
    ignores: [...REACT_LAYERS, ...NODE_LAYERS],
    rules: { 'no-restricted-imports': ['error', { paths: NO_NODE.paths, patterns: [NO_REACT, ...NO_NODE.patterns] }] },
  },
  { files: REACT_LAYERS, rules: { 'no-restricted-imports': ['error', NO_NODE] } },
  { files: NODE_LAYERS, rules: { 'no-restricted-imports': ['error', { patterns: [NO_REACT] }] } },
  {
    // Only gpu and render touch WebGPU: other layers pass a device to their functions.
    files: SOURCES,
    ignores: ['src/gpu/**', 'src/render/**', 'src/node/**'],
    rules: {
      'no-restricted-syntax': ['error',
        {
          selector: `MemberExpression[property.name=/^(${WEBGPU_CALLS})$/]`,
          message: rule('only-gpu-and-render-touch-webgpu', 'create, copy and map GPU objects through a function in src/gpu'),
        },
        {
          selector: 'Identifier[name=/^GPU(BufferUsage|TextureUsage|MapMode|ShaderStage|ColorWrite)$/]',
          message: rule('only-gpu-and-render-touch-webgpu', 'GPU usage flags belong to src/gpu and src/render'),
        },
        {
          selector: 'MemberExpression[object.name="navigator"][property.name="gpu"]',
          message: rule('only-gpu-and-render-touch-webgpu', 'ask src/gpu (or src/render) for a device or for WebGPU support'),
        },
      ],
    },
  },
];
