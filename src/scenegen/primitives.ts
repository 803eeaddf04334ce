/**
 * Analytic ray intersections with primitives in their own local frame. Each function takes a
 * ray (origin outside the primitive, unit direction) and the current nearest distance `tMax`;
 * on a nearer hit it fills t, the local normal (in hit.nx..nz), the local point and the part,
 * and returns true. Rays never start inside: cameras are far outside every object.
 */
import type { Hit, Ray } from './ray.ts';

const T_MIN = 1e-9;

function setPoint(r: Ray, t: number, hit: Hit): void {
  hit.t = t;
  hit.lx = r.ox + t * r.dx;
  hit.ly = r.oy + t * r.dy;
  hit.lz = r.oz + t * r.dz;
}

/** Sphere of radius `rad` at the origin. */
export function intersectSphere(r: Ray, rad: number, tMax: number, hit: Hit): boolean {
  const b = r.ox * r.dx + r.oy * r.dy + r.oz * r.dz;
  const c = r.ox * r.ox + r.oy * r.oy + r.oz * r.oz - rad * rad;
  const h = b * b - c;
  if (h < 0) return false;
  const t = -b - Math.sqrt(h);
  if (t < T_MIN || t >= tMax) return false;
  setPoint(r, t, hit);
  hit.nx = hit.lx / rad; hit.ny = hit.ly / rad; hit.nz = hit.lz / rad;
  hit.part = 0;
  return true;
}

/** Slab entry/exit along one axis; returns false when the ray misses the slab. */
const slab = { near: 0, far: 0, axis: 0, sign: 0 };
function slabs(o: number[], d: number[], half: number[]): boolean {
  let near = -Infinity, far = Infinity, axis = 0, sign = 0;
  for (let k = 0; k < 3; k++) {
    if (d[k] === 0) {
      if (o[k] < -half[k] || o[k] > half[k]) return false;
      continue;
    }
    const inv = 1 / d[k];
    let t0 = (-half[k] - o[k]) * inv, t1 = (half[k] - o[k]) * inv;
    let s = -1; // entering through the -half face
    if (t0 > t1) { const tmp = t0; t0 = t1; t1 = tmp; s = 1; }
    if (t0 > near) { near = t0; axis = k; sign = s; }
    if (t1 < far) far = t1;
  }
  if (near > far) return false;
  slab.near = near; slab.far = far; slab.axis = axis; slab.sign = sign;
  return true;
}

const o3 = [0, 0, 0], d3 = [0, 0, 0], h3 = [0, 0, 0];
function load(r: Ray, hx: number, hy: number, hz: number): void {
  o3[0] = r.ox; o3[1] = r.oy; o3[2] = r.oz;
  d3[0] = r.dx; d3[1] = r.dy; d3[2] = r.dz;
  h3[0] = hx; h3[1] = hy; h3[2] = hz;
}

/**
 * Axis-aligned box with half sizes (hx, hy, hz) centred at the origin.
 * part = face: 0 +x, 1 -x, 2 +y, 3 -y, 4 +z, 5 -z.
 */
export function intersectBox(r: Ray, hx: number, hy: number, hz: number, tMax: number, hit: Hit): boolean {
  load(r, hx, hy, hz);
  if (!slabs(o3, d3, h3)) return false;
  const t = slab.near;
  if (t < T_MIN || t >= tMax) return false;
  setPoint(r, t, hit);
  hit.nx = hit.ny = hit.nz = 0;
  if (slab.axis === 0) hit.nx = slab.sign;
  else if (slab.axis === 1) hit.ny = slab.sign;
  else hit.nz = slab.sign;
  hit.part = slab.axis * 2 + (slab.sign > 0 ? 0 : 1);
  return true;
}

/**
 * Capped cylinder around the z axis: radius `rad`, z in [-hh, hh].
 * part: 0 side, 1 top cap (+z), 2 bottom cap (-z).
 */
export function intersectCylinder(r: Ray, rad: number, hh: number, tMax: number, hit: Hit): boolean {
  // Interval inside the infinite cylinder.
  const a = r.dx * r.dx + r.dy * r.dy;
  let near: number, far: number, side = true;
  if (a < 1e-14) {
    if (r.ox * r.ox + r.oy * r.oy > rad * rad) return false;
    near = -Infinity; far = Infinity;
  } else {
    const b = r.ox * r.dx + r.oy * r.dy;
    const c = r.ox * r.ox + r.oy * r.oy - rad * rad;
    const h = b * b - a * c;
    if (h < 0) return false;
    const sq = Math.sqrt(h);
    near = (-b - sq) / a; far = (-b + sq) / a;
  }
  // Interval inside the z slab.
  let capSign = 0;
  if (r.dz === 0) {
    if (r.oz < -hh || r.oz > hh) return false;
  } else {
    let t0 = (-hh - r.oz) / r.dz, t1 = (hh - r.oz) / r.dz, s = -1;
    if (t0 > t1) { const tmp = t0; t0 = t1; t1 = tmp; s = 1; }
    if (t0 > near) { near = t0; side = false; capSign = s; }
    if (t1 < far) far = t1;
  }
  if (near > far || near < T_MIN || near >= tMax) return false;
  setPoint(r, near, hit);
  if (side) {
    hit.nx = hit.lx / rad; hit.ny = hit.ly / rad; hit.nz = 0;
    hit.part = 0;
  } else {
    hit.nx = 0; hit.ny = 0; hit.nz = capSign;
    hit.part = capSign > 0 ? 1 : 2;
  }
  return true;
}

/**
 * Superellipsoid |x/ax|^p + |y/ay|^p + |z/az|^p = 1 with an even integer p >= 2 (p = 2 is an
 * ellipsoid, p = 4 a rounded box). The inside-outside function along the ray is convex, so
 * Newton's method started at the bounding box entry climbs monotonically to the first root, or
 * proves a miss when the function stops decreasing while still positive.
 */
export function intersectSuperellipsoid(
  r: Ray, ax: number, ay: number, az: number, p: number, tMax: number, hit: Hit,
): boolean {
  load(r, ax, ay, az);
  if (!slabs(o3, d3, h3)) return false;
  let t = Math.max(slab.near, 0);
  const tFar = Math.min(slab.far, tMax);
  const iax = 1 / ax, iay = 1 / ay, iaz = 1 / az;
  const qdx = r.dx * iax, qdy = r.dy * iay, qdz = r.dz * iaz;
  const half = p >> 1;
  for (let it = 0; it < 80; it++) {
    const qx = (r.ox + t * r.dx) * iax, qy = (r.oy + t * r.dy) * iay, qz = (r.oz + t * r.dz) * iaz;
    // q^(p-1) and q^p via repeated squaring of q^2 (p even).
    const x2 = qx * qx, y2 = qy * qy, z2 = qz * qz;
    let xp = 1, yp = 1, zp = 1;
    for (let k = 1; k < half; k++) { xp *= x2; yp *= y2; zp *= z2; }
    // xp = q^(p-2)
    const g = xp * x2 + yp * y2 + zp * z2 - 1;
    if (g < 1e-10) {
      if (t < T_MIN || t >= tMax) return false;
      setPoint(r, t, hit);
      let nx = xp * qx * iax, ny = yp * qy * iay, nz = zp * qz * iaz;
      const inv = 1 / Math.sqrt(nx * nx + ny * ny + nz * nz);
      nx *= inv; ny *= inv; nz *= inv;
      hit.nx = nx; hit.ny = ny; hit.nz = nz;
      hit.part = 0;
      return true;
    }
    const dg = p * (xp * qx * qdx + yp * qy * qdy + zp * qz * qdz);
    if (dg >= 0) return false;
    t -= g / dg;
    if (t > tFar) return false;
  }
  return false;
}

/**
 * Capsule: all points within `rad` of the segment from a to b (local coordinates).
 * part: 0 body, 1 end cap at a, 2 end cap at b.
 */
export function intersectCapsule(
  r: Ray,
  ax: number, ay: number, az: number,
  bx: number, by: number, bz: number,
  rad: number, tMax: number, hit: Hit,
): boolean {
  const bax = bx - ax, bay = by - ay, baz = bz - az;
  const oax = r.ox - ax, oay = r.oy - ay, oaz = r.oz - az;
  const baba = bax * bax + bay * bay + baz * baz;
  const bard = bax * r.dx + bay * r.dy + baz * r.dz;
  const baoa = bax * oax + bay * oay + baz * oaz;
  const rdoa = r.dx * oax + r.dy * oay + r.dz * oaz;
  const oaoa = oax * oax + oay * oay + oaz * oaz;
  const A = baba - bard * bard;
  const B = baba * rdoa - baoa * bard;
  const C = baba * oaoa - baoa * baoa - rad * rad * baba;
  const h = B * B - A * C;
  if (h < 0) return false;
  if (A > 1e-14 * baba) {
    const t = (-B - Math.sqrt(h)) / A;
    const y = baoa + t * bard;
    if (y > 0 && y < baba) {
      if (t < T_MIN || t >= tMax) return false;
      setPoint(r, t, hit);
      const s = y / baba;
      hit.nx = (oax + t * r.dx - bax * s) / rad;
      hit.ny = (oay + t * r.dy - bay * s) / rad;
      hit.nz = (oaz + t * r.dz - baz * s) / rad;
      hit.part = 0;
      return true;
    }
    // Otherwise the first hit, if any, is on the cap on the side the body hit fell past.
    return capHit(r, y <= 0 ? ax : bx, y <= 0 ? ay : by, y <= 0 ? az : bz, rad, y <= 0 ? 1 : 2, tMax, hit);
  }
  // Ray parallel to the axis: the nearer cap.
  const ca = capHit(r, ax, ay, az, rad, 1, tMax, hit);
  const cb = capHit(r, bx, by, bz, rad, 2, ca ? hit.t : tMax, hit);
  return ca || cb;
}

function capHit(r: Ray, cx: number, cy: number, cz: number, rad: number, part: number, tMax: number, hit: Hit): boolean {
  const ocx = r.ox - cx, ocy = r.oy - cy, ocz = r.oz - cz;
  const b = r.dx * ocx + r.dy * ocy + r.dz * ocz;
  const c = ocx * ocx + ocy * ocy + ocz * ocz - rad * rad;
  const h = b * b - c;
  if (h < 0) return false;
  const t = -b - Math.sqrt(h);
  if (t < T_MIN || t >= tMax) return false;
  setPoint(r, t, hit);
  hit.nx = (ocx + t * r.dx) / rad;
  hit.ny = (ocy + t * r.dy) / rad;
  hit.nz = (ocz + t * r.dz) / rad;
  hit.part = part;
  return true;
}
