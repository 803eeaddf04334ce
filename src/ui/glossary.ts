/**
 * Every term a person meets in the app, with a short plain explanation (shown by <Term>, see
 * Term.tsx). Metrics say which way is better and what a good value is.
 */
export const GLOSSARY = {
  gaussians: {
    term: '3D Gaussians (splats)',
    plain: 'The 3D model is a cloud of thousands of small, soft, coloured blobs ("splats"). Each has a position, a size and stretch, an opacity and a colour that may change with the viewing angle. Drawn together they look like the object.',
  },
  masks: {
    term: 'Masks',
    plain: 'A mask marks which pixels of a photo are the object (white) and which are background (black). The masks tell the later stages where the object is.',
  },
  poses: {
    term: 'Poses',
    plain: 'Where each photo was taken from and which way the camera pointed (its position and direction), worked out by matching details between the photos.',
  },
  visualHull: {
    term: 'Visual hull',
    plain: 'A first, rough 3D shape: the space that falls inside the object\'s outline (its mask) in every photo, like carving a block from several sides. Training starts its splats on its surface.',
  },
  voxels: {
    term: 'Voxels',
    plain: 'Tiny cubes that make up the carved visual hull, like 3D pixels. More voxels means a finer shape; the count says nothing about quality on its own.',
  },
  train: {
    term: 'Train',
    plain: 'Builds the 3D model: a cloud of 3D Gaussians, or splats (small, soft, coloured blobs that together look like the object). Training adjusts every splat, step by step on the GPU, until pictures of the cloud seen from the photos\' cameras look like the photos.',
  },
  steps: {
    term: 'Steps',
    plain: 'How many times training adjusts the splats. More steps: a sharper result that takes longer. A few hundred give a first look; 1,000 or more a finished one. Until you type a number, it follows the number of training photos: few photos gain nothing from more steps, more photos keep gaining.',
  },
  startFrom: {
    term: 'Start from',
    plain: 'Where the splats are placed before training: on the surface of the visual hull (needs masks; usually better and faster), at stereo points where the photos agree on a surface (needs no masks), or scattered at random inside the object\'s bounds.',
  },
  quality: {
    term: 'Quality',
    plain: 'How hard training works to make few photos look right from new angles. fast: the plain method. balanced: hides a random tenth of the splats at each step, so the ones behind learn too. best: hides a fifth. The time each takes here is shown next to it once steps were timed; Advanced has the switches each level sets.',
  },
  trainingSize: {
    term: 'Training size',
    plain: 'The size the photos are shrunk to for training. Smaller trains much faster but gives a less detailed result; the result is scored at the same size.',
  },
  startSplats: {
    term: 'Start splats',
    plain: 'How many splats training starts with. Training adds splats where detail is missing and removes useless ones, so this is only the starting number.',
  },
  shDegree: {
    term: 'SH degree',
    plain: 'How much a splat\'s colour may change with the viewing angle (spherical harmonics degree): 0 is one flat colour, 3 allows shine and reflections. Higher degrees make bigger files.',
  },
  split: {
    term: 'Split',
    plain: 'Which photos training may use (train) and which are held back to check the result (test). Split "3" trains on 3 photos, "9" on 9; the test photos are the same in both, so the scores compare.',
  },
  notInSplit: {
    term: 'Not in split',
    plain: 'A photo that this split neither trains on nor tests on: it is left out.',
  },
  evaluate: {
    term: 'Evaluate',
    plain: 'Renders the cloud from the cameras of the held-out test photos (never seen in training) and scores how close each picture is to its photo.',
  },
  masked: {
    term: 'mask / full',
    plain: '"mask" scores only the object (the background is blacked out in both pictures, as the sparse-view papers score DTU); "full" scores the whole picture. "n/a" means the test photos have no masks.',
  },
  psnr: {
    term: 'PSNR',
    plain: 'Peak signal-to-noise ratio, in decibels (dB): how close the pixels of the render are to the photo. Higher is better: below 15 dB is far off, around 20 dB is recognisable but blurry (typical from 3 photos), 25 dB is good, above 30 dB is very close.',
  },
  ssim: {
    term: 'SSIM',
    plain: 'Structural similarity, from 0 to 1: how alike the shapes, edges and textures look. Higher is better: 1 is identical, above 0.8 is good, below 0.5 is poor.',
  },
  lpips: {
    term: 'LPIPS',
    plain: 'Learned perceptual distance: how different the two pictures look to a neural network trained to judge like people do. Lower is better: 0 is identical, below 0.1 is close, above 0.3 is clearly different. It needs an LPIPS model file (ONNX); without one the column says "no model".',
  },
  poseFree: {
    term: 'Pose-free',
    plain: 'For clouds made from photos whose cameras were estimated: the test cameras are first lined up with the estimated ones, then each is nudged to fit the cloud before scoring, so small camera errors are not counted as quality errors.',
  },
} as const satisfies Record<string, { term: string; plain: string }>;

export type TermId = keyof typeof GLOSSARY;
