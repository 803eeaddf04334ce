// Chunk: saturationTiles (viewer). Declares SATURATION_TILE and fn saturationTileGrid: the image is cut
// into SATURATION_TILE x SATURATION_TILE pixel tiles, row-major, ceil(width / SATURATION_TILE) per row; the
// saturation pass marks a tile open when any of its pixels is not saturated (splatSaturation).
const SATURATION_TILE: u32 = 16u;

fn saturationTileGrid(imageSize: vec2u) -> vec2u {
  return (imageSize + vec2u(SATURATION_TILE - 1u)) / SATURATION_TILE;
}
