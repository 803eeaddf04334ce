// Kernel rasterizeForward: one workgroup per 16x16 tile, one thread per pixel. The tile's splats,
// already in (depth, index) order, are loaded 256 at a time into workgroup memory by all threads
// together, then every pixel blends them front to back (chunk blend: the reference's rules).
// Outputs per pixel: rgb and alpha = 1 - T (the image), and for the backward the final
// transmittance T (kept separately: 1 - alpha loses T's precision when T is small) and how many
// of the tile's intersections the pixel walked up to its last contributor. Composed with the
// depthForward chunk it also writes expected depth sum_i z_i alpha_i T_i; with depthOff (the
// default) that code is compiled away.
@group(0) @binding(0) var<uniform> u: RasterUniforms;
@group(0) @binding(1) var<storage, read> tileRangeFromTileId: array<vec2u>;
@group(0) @binding(2) var<storage, read> splatIdFromIntersection: array<u32>;
@group(0) @binding(3) var<storage, read> projectedFromSplat: array<ProjectedSplat>;
@group(0) @binding(4) var<storage, read_write> rgbFromPixel: array<f32>;
@group(0) @binding(5) var<storage, read_write> alphaFromPixel: array<f32>;
@group(0) @binding(6) var<storage, read_write> transmittanceFromPixel: array<f32>;
@group(0) @binding(7) var<storage, read_write> contributorCountFromPixel: array<u32>;

const THREADS: u32 = 256u;

var<workgroup> batch: array<ProjectedSplat, THREADS>;
var<workgroup> tileRange: vec2u;
var<workgroup> doneCount: atomic<u32>;
var<workgroup> doneSnapshot: u32;

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wid: vec3u) {
  let px = wid.x * TILE_SIZE + lid.x;
  let py = wid.y * TILE_SIZE + lid.y;
  let inside = px < u.width && py < u.height;
  if (t == 0u) {
    tileRange = tileRangeFromTileId[wid.y * u.tilesX + wid.x];
    atomicStore(&doneCount, 0u);
  }
  let range = workgroupUniformLoad(&tileRange);

  let pixel = vec2f(f32(px) + 0.5, f32(py) + 0.5);
  var done = !inside;
  if (done) { atomicAdd(&doneCount, 1u); }
  var T = 1.0;
  var color = vec3f(0.0);
  var depth = 0.0;
  var contributors = 0u;

  for (var start = range.x; start < range.y; start += THREADS) {
    // Stop the whole tile once every pixel is saturated (a uniform decision, so barriers stay legal).
    workgroupBarrier();
    if (t == 0u) { doneSnapshot = atomicLoad(&doneCount); }
    if (workgroupUniformLoad(&doneSnapshot) == THREADS) { break; }
    if (start + t < range.y) {
      batch[t] = projectedFromSplat[splatIdFromIntersection[start + t]];
    }
    workgroupBarrier();
    let n = min(THREADS, range.y - start);
    for (var j = 0u; j < n && !done; j++) {
      let s = batch[j];
      let a = splatAlpha(s, pixel);
      if (!a.hit) { continue; }
      let nextT = T * (1.0 - a.alpha);
      if (nextT < T_MIN) {
        done = true;
        atomicAdd(&doneCount, 1u);
        break;
      }
      color += s.color.xyz * (a.alpha * T);
      if (DEPTH) { depth += s.conicCOpacityDepth.z * (a.alpha * T); }
      T = nextT;
      contributors = start + j - range.x + 1u;
    }
  }

  if (inside) {
    let o = py * u.width + px;
    let rgb = color + T * u.background.xyz;
    rgbFromPixel[3u * o] = rgb.x;
    rgbFromPixel[3u * o + 1u] = rgb.y;
    rgbFromPixel[3u * o + 2u] = rgb.z;
    alphaFromPixel[o] = 1.0 - T;
    transmittanceFromPixel[o] = T;
    contributorCountFromPixel[o] = contributors;
    writeDepth(o, depth);
  }
}
