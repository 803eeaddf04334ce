import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { lookAtCamera } from '../../src/core/camera.ts';
import { isInputError } from '../../src/core/errors.ts';
import { createImage, decodeImage, encodePng } from '../../src/core/image.ts';
import { serializeSceneManifest, type SceneManifest } from '../../src/io/sceneFormat.ts';
import { ingest, type DroppedFile } from '../../src/recon/ingest.ts';

function png(width: number, height: number, seed = 0): Uint8Array {
  const img = createImage(width, height);
  for (let i = 0; i < width * height; i++) {
    img.data[i * 4] = (i * 7 + seed * 40) & 255;
    img.data[i * 4 + 1] = (i * 3 + seed) & 255;
    img.data[i * 4 + 2] = seed * 60;
    img.data[i * 4 + 3] = 255;
  }
  return encodePng(img);
}

function photos(n: number, w = 8, h = 6): DroppedFile[] {
  return Array.from({ length: n }, (_, i) => ({ name: `IMG_${i + 1}.png`, bytes: png(w, h, i) }));
}

const text = (s: string) => new TextEncoder().encode(s);

function sceneManifest(n = 3): SceneManifest {
  const intr = { fx: 10, fy: 10, cx: 4, cy: 3, width: 8, height: 6 };
  const ids = Array.from({ length: n }, (_, i) => `v${i}`);
  return {
    version: 1,
    name: 'tiny',
    views: ids.map((id, i) => {
      const a = (2 * Math.PI * i) / n;
      return {
        id,
        image: `images/${id}.png`,
        mask: `masks/${id}.png`,
        camera: lookAtCamera([3 * Math.cos(a), 3 * Math.sin(a), 1], [0, 0, 0], [0, 0, 1], intr),
      };
    }),
    splits: { '3': { train: ids.slice(0, 2), test: ids.slice(2) } },
    bounds: { min: [-1, -1, -1], max: [1, 1, 1] },
  };
}

function sceneFiles(prefix = '', manifest: SceneManifest = sceneManifest()): DroppedFile[] {
  const files: DroppedFile[] = [{ name: `${prefix}scene.json`, bytes: text(serializeSceneManifest(manifest)) }];
  manifest.views.forEach((v, i) => {
    files.push({ name: `${prefix}${v.image}`, bytes: png(8, 6, i) });
    if (v.mask) files.push({ name: `${prefix}${v.mask}`, bytes: png(8, 6, 3) });
  });
  return files;
}

async function inputErrorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (!isInputError(e)) throw e;
    return e.message;
  }
  throw new Error('expected an InputError');
}

describe('ingest: photo sets', () => {
  it('accepts 3 photos of one size, in name order, with progress', async () => {
    const progress: number[] = [];
    const files = photos(3).reverse();
    const res = await ingest(files, { onProgress: (d, t) => progress.push(d / t) });
    expect(res.kind).toBe('photos');
    expect(res.label).toBe('3 photos');
    expect(res.scene.views.map((v) => v.id)).toEqual(['IMG_1', 'IMG_2', 'IMG_3']);
    expect(res.scene.views.every((v) => v.rgba.width === 8 && v.rgba.height === 6 && !v.camera)).toBe(true);
    expect(res.scene.manifest.splits).toEqual({});
    expect(progress).toEqual([1 / 3, 2 / 3, 1]);
  });

  it('accepts 9 photos, sorts numerically and ignores system files', async () => {
    const files = [...photos(9), { name: '.DS_Store', bytes: text('junk') }, { name: '__MACOSX/._IMG_1.png', bytes: text('x') }];
    const res = await ingest(files);
    expect(res.scene.views.length).toBe(9);
    expect(res.scene.views[8].id).toBe('IMG_9');
  });

  it('makes unique, safe view ids from file names', async () => {
    const files = [
      { name: 'a/my photo.png', bytes: png(4, 4, 1) },
      { name: 'b/my photo.png', bytes: png(4, 4, 2) },
      { name: 'c.JPG.png', bytes: png(4, 4, 3) },
    ];
    const res = await ingest(files);
    expect(res.scene.views.map((v) => v.id)).toEqual(['my_photo', 'my_photo-2', 'c.JPG']);
  });

  it('refuses an empty drop', async () => {
    expect(await inputErrorOf(ingest([]))).toMatch(/Nothing to open\. Drop 3 to 9 photos/);
  });

  it('refuses one photo, saying how many to add', async () => {
    expect(await inputErrorOf(ingest(photos(1)))).toBe(
      'Add at least 3 photos of the object from different sides (you gave 1).',
    );
  });

  it('refuses more than nine photos', async () => {
    expect(await inputErrorOf(ingest(photos(12)))).toMatch(/^Use at most 9 photos \(you gave 12\)\./);
  });

  it('names a non-image file, even when it is called photo.jpg', async () => {
    const files = [...photos(2), { name: 'photo.jpg', bytes: text('hello, I am not a photo') }];
    const msg = await inputErrorOf(ingest(files));
    expect(msg).toMatch(/^photo\.jpg is not a PNG or JPEG photo \(it looks like text\)\. Drop 3 to 9 photos/);
  });

  it('says what a WebP or HEIC file is', async () => {
    const webp = new Uint8Array([...text('RIFF'), 0, 0, 0, 0, ...text('WEBPVP8 ')]);
    const heic = new Uint8Array([0, 0, 0, 24, ...text('ftypheic'), 0, 0, 0, 0]);
    expect(await inputErrorOf(ingest([...photos(3), { name: 'x.webp', bytes: webp }]))).toMatch(/x\.webp .*WebP/);
    expect(await inputErrorOf(ingest([...photos(3), { name: 'y.heic', bytes: heic }]))).toMatch(/y\.heic .*HEIC.*JPEG/);
  });

  it('names a truncated PNG', async () => {
    const good = photos(3);
    good[1] = { name: 'broken.png', bytes: good[1].bytes.slice(0, 40) };
    const msg = await inputErrorOf(ingest(good));
    expect(msg).toMatch(/^broken\.png: the PNG file is corrupt or truncated/);
  });

  it('names a corrupt JPEG', async () => {
    const bad = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3, 4, 5]);
    const msg = await inputErrorOf(ingest([...photos(2), { name: 'bad.jpg', bytes: bad }]));
    expect(msg).toMatch(/^bad\.jpg: the JPEG file is corrupt or truncated/);
  });

  it('refuses photos of different sizes, naming both files and sizes', async () => {
    const files = [
      { name: 'a.png', bytes: png(8, 6) },
      { name: 'b.png', bytes: png(8, 6) },
      { name: 'c.png', bytes: png(5, 7) },
    ];
    expect(await inputErrorOf(ingest(files))).toBe(
      'Photos must all be the same size: a.png is 8x6 but c.png is 5x7. Export them at one size and try again.',
    );
  });

  it('turns a portrait photo among landscape ones a quarter, says so, and keeps its pixels', async () => {
    const files = [
      { name: 'a.png', bytes: png(8, 6) },
      { name: 'b.png', bytes: png(6, 8, 3) },
      { name: 'c.png', bytes: png(8, 6, 5) },
    ];
    const res = await ingest(files);
    if (res.kind !== 'photos') throw new Error('expected photos');
    expect(res.scene.views.map((v) => `${v.rgba.width}x${v.rgba.height}`)).toEqual(['8x6', '8x6', '8x6']);
    expect(res.notes).toEqual(['Turned b.png a quarter turn to match a.png (it was taken the other way up); the reconstruction does not mind.']);
    // A quarter turn clockwise: the portrait photo's top-left pixel is now at the top right.
    const src = decodeImage(files[1].bytes);
    const out = res.scene.views[1].rgba;
    expect(Array.from(out.data.subarray(4 * (out.width - 1), 4 * out.width))).toEqual(Array.from(src.data.subarray(0, 4)));
    // Same-size photos are left as they are, with no note.
    const same = await ingest([files[0], files[2], { name: 'd.png', bytes: png(8, 6, 7) }]);
    expect(same.kind === 'photos' && same.notes).toEqual([]);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(ingest(photos(3), { signal: ac.signal })).rejects.toThrow();
  });
});

describe('ingest: scene folders', () => {
  it('loads a scene folder dropped at the top level', async () => {
    const res = await ingest(sceneFiles());
    expect(res.kind).toBe('scene');
    expect(res.label).toBe('tiny');
    expect(res.scene.views.length).toBe(3);
    expect(res.scene.views[0].camera?.width).toBe(8);
    expect(res.scene.views[0].maskData?.length).toBe(48);
    expect(res.scene.manifest.splits['3'].test).toEqual(['v2']);
  });

  it('loads a scene folder inside one top folder, ignoring files outside it', async () => {
    const res = await ingest([...sceneFiles('lego/'), { name: 'README.txt', bytes: text('hi') }]);
    expect(res.kind).toBe('scene');
    expect(res.label).toBe('lego');
    expect(res.scene.views.length).toBe(3);
  });

  it('finds images by file name when folders were lost (files picked one by one)', async () => {
    const flat = sceneFiles().map((f) => ({ ...f, name: f.name.replace(/^(images|masks)\//, '$1_') }));
    // masks and images now have distinct flat names; rename images back to their bare names
    const files = flat.map((f) => ({ ...f, name: f.name.replace(/^images_/, '') })).filter((f) => !f.name.startsWith('masks_'));
    const m = sceneManifest();
    m.views.forEach((v) => delete v.mask);
    files[0] = { name: 'scene.json', bytes: text(serializeSceneManifest(m)) };
    const res = await ingest(files);
    expect(res.scene.views.length).toBe(3);
  });

  it('says which listed file is missing', async () => {
    const files = sceneFiles('lego/').filter((f) => f.name !== 'lego/images/v1.png');
    expect(await inputErrorOf(ingest(files))).toBe(
      'lego: "images/v1.png" (listed in scene.json) is not in the drop. Drop the whole scene folder, or a .zip of it.',
    );
  });

  it("passes on the loader's message for a bad scene.json", async () => {
    const m = sceneManifest() as unknown as { views: Record<string, unknown>[] };
    const cam = m.views[1].camera as Record<string, unknown>;
    delete cam.fx;
    const files = sceneFiles('lego/');
    files[0] = { name: 'lego/scene.json', bytes: text(JSON.stringify(m)) };
    expect(await inputErrorOf(ingest(files))).toBe('lego/scene.json: views[1].camera.fx: is missing');
  });

  it('reports scene.json that is not JSON', async () => {
    expect(await inputErrorOf(ingest([{ name: 'scene.json', bytes: text('{ nope') }]))).toMatch(
      /^scene\.json: is not valid JSON/,
    );
  });

  it('refuses two scenes at once', async () => {
    const msg = await inputErrorOf(ingest([...sceneFiles('a/'), ...sceneFiles('b/')]));
    expect(msg).toMatch(/more than one scene \(a\/scene\.json, b\/scene\.json\)/);
  });
});

describe('ingest: zip archives', () => {
  const zipOf = (files: DroppedFile[]) => zipSync(Object.fromEntries(files.map((f) => [f.name, f.bytes])));

  it('loads a zipped scene folder (built with fflate zipSync)', async () => {
    const res = await ingest([{ name: 'tiny.zip', bytes: zipOf(sceneFiles('tiny/')) }]);
    expect(res.kind).toBe('scene');
    expect(res.label).toBe('tiny.zip');
    expect(res.scene.manifest.name).toBe('tiny');
    expect(res.scene.views.length).toBe(3);
  });

  it('loads a zip of photos', async () => {
    const res = await ingest([{ name: 'shots.zip', bytes: zipOf(photos(4)) }]);
    expect(res.kind).toBe('photos');
    expect(res.scene.views.length).toBe(4);
    expect(res.scene.manifest.name).toBe('shots');
  });

  it('names the zip in scene.json errors', async () => {
    const files = sceneFiles('tiny/');
    files[0] = { name: 'tiny/scene.json', bytes: text('{"version": 1, "views": []}') };
    expect(await inputErrorOf(ingest([{ name: 'tiny.zip', bytes: zipOf(files) }]))).toBe(
      'tiny.zip/scene.json: name: is missing',
    );
  });

  it('refuses a zip mixed with other files, and a broken zip', async () => {
    const zip = { name: 'tiny.zip', bytes: zipOf(sceneFiles()) };
    expect(await inputErrorOf(ingest([zip, ...photos(1)]))).toBe('Drop the .zip on its own (you also gave 1 other file).');
    expect(await inputErrorOf(ingest([{ name: 'x.zip', bytes: text('not a zip') }]))).toMatch(/^x\.zip: not a readable zip archive/);
  });

  it('counts photos inside a zip', async () => {
    expect(await inputErrorOf(ingest([{ name: 'two.zip', bytes: zipOf(photos(2)) }]))).toBe(
      'Add at least 3 photos of the object from different sides (you gave 2 in two.zip).',
    );
  });
});
