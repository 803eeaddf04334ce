/** What is loaded: name, source, views, image size, cameras, masks, splits. */
import type { LoadedScene } from '../io/sceneFolder.ts';
import { splitNames } from './splits.ts';

export function SceneInfo({ scene, title, source }: { scene: LoadedScene; title: string; source: string }) {
  const { manifest, views } = scene;
  const withCam = views.filter((v) => v.camera).length;
  const withMask = views.filter((v) => v.maskData).length;
  const sizes = [...new Set(views.map((v) => `${v.rgba.width}×${v.rgba.height}`))];
  const splits = splitNames(manifest);
  return (
    <section className="panel" aria-labelledby="scene-title" data-testid="scene-info">
      <h2 id="scene-title">{title}</h2>
      {manifest.description && (
        <p className="scene-desc" title={manifest.description}>
          {manifest.description}
        </p>
      )}
      <dl className="facts">
        <dt>Source</dt>
        <dd>{source}</dd>
        <dt>Views</dt>
        <dd>{views.length}</dd>
        <dt>Image size</dt>
        <dd>{sizes.join(', ')}</dd>
        <dt>Cameras</dt>
        <dd>{withCam === 0 ? 'none yet' : withCam === views.length ? 'all views' : `${withCam} of ${views.length}`}</dd>
        <dt>Masks</dt>
        <dd>{withMask === 0 ? 'none' : withMask === views.length ? 'all views' : `${withMask} of ${views.length}`}</dd>
        {splits.length > 0 && (
          <>
            <dt>Splits</dt>
            <dd>
              {splits
                .map((s) => `${s}: ${manifest.splits[s].train.length} train / ${manifest.splits[s].test.length} test`)
                .join(' · ')}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
