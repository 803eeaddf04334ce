/**
 * GLSL ES 3.00 of the WebGL2 splat pass: one quad per splat, in the sort worker's front-to-back
 * order. The quads are indexed triangles, not instances: vertex 4 s + c is corner c of the splat
 * in slot s of the order texture. (SwiftShader, the software WebGL2 of headless Chromium, pays
 * about 10 us per instance: 100k instanced quads took 1.7 s with a do-nothing shader, 0.1 s as
 * indexed triangles.)
 *
 * The vertex shader is the trainer's projection (src/gpu/reference/projectReference.ts and
 * src/gpu/kernels/chunks/projectSplat.wgsl) in float32: camera-space mean, J at the mean with x/z,
 * y/z clamped to the 30%-widened frustum, Sigma2D = J W Sigma W^T J^T + lowPass I, the
 * Mip-Splatting opacity compensation when antialiased, SH colour max(SH(dir) + 0.5, 0). The quad
 * covers the 1/255 alpha contour (radius sqrt(2 ln(255 opacity))), so every pixel the trainer
 * blends gets a fragment: the rectangle along the ellipse's axes (src/render/webgpu/quadAxes.ts,
 * as the WebGPU backend) where that is smaller than the contour's screen-aligned box (as
 * projectForward.wgsl, with the same 0.1% + 1e-3 px margin), else the box.
 *
 * The fragment shader evaluates the Gaussian at the pixel centre, taken from gl_FragCoord (exact
 * i + 0.5, not an interpolated varying); rows are flipped because images are top row first and GL
 * windows bottom row first.
 */
import { ALPHA_MAX, ALPHA_MIN } from '../../core/gaussianCloud.ts';
import { SH_C0, SH_C1, SH_C2, SH_C3 } from '../../core/sh.ts';
import { QUAD_AXIS_MARGIN } from '../webgpu/quadAxes.ts';

const glslFloat = (x: number) => {
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
};

/** The basis functions of src/core/sh.ts (3DGS convention) by degree, as GLSL of x, y, z. */
const SH_BASIS_BY_DEGREE: string[][] = [
  ['SH_C0'],
  ['-SH_C1 * y', 'SH_C1 * z', '-SH_C1 * x'],
  ['SH_C2[0] * xy', 'SH_C2[1] * yz', 'SH_C2[2] * (2.0 * zz - xx - yy)', 'SH_C2[3] * xz', 'SH_C2[4] * (xx - yy)'],
  [
    'SH_C3[0] * y * (3.0 * xx - yy)', 'SH_C3[1] * xy * z', 'SH_C3[2] * y * (4.0 * zz - xx - yy)',
    'SH_C3[3] * z * (2.0 * zz - 3.0 * xx - 3.0 * yy)', 'SH_C3[4] * x * (4.0 * zz - xx - yy)', 'SH_C3[5] * z * (xx - yy)',
    'SH_C3[6] * x * (xx - 3.0 * yy)',
  ],
];

/**
 * fn shColor(splat, dir): max(SH(dir) + 0.5, 0) from the packed halves (coefficient k, channel c
 * is half 3k + c; two halves per word, four words per texel). Generated with explicit fetches and
 * unpacks per degree, each only under its degree's branch: a local float[48] indexed in a loop
 * made the vertex shader about twice as slow on SwiftShader.
 */
function shColorGlsl(): string {
  const lines: string[] = [];
  const fetched = new Set<number>();
  const unpacked = new Set<number>();
  const half = (h: number) => `p${h >> 1}.${h & 1 ? 'y' : 'x'}`;
  let k = 0;
  for (let degree = 0; degree <= 3; degree++) {
    const indent = '  '.repeat(degree + 1);
    const block: string[] = [];
    const coefficients = SH_BASIS_BY_DEGREE[degree];
    for (let j = 0; j < coefficients.length; j++, k++) {
      for (let c = 0; c < 3; c++) {
        const word = (3 * k + c) >> 1;
        const texel = word >> 2;
        if (!fetched.has(texel)) {
          fetched.add(texel);
          block.push(`uvec4 w${texel} = texelFetch(uSh, texelCoord(base + ${texel}), 0);`);
        }
        if (!unpacked.has(word)) {
          unpacked.add(word);
          block.push(`vec2 p${word} = unpackHalf2x16(w${texel}.${'xyzw'[word & 3]});`);
        }
      }
      block.push(`color += (${coefficients[j]}) * vec3(${half(3 * k)}, ${half(3 * k + 1)}, ${half(3 * k + 2)});`);
    }
    if (degree > 0) lines.push(`${'  '.repeat(degree)}if (uShDegree >= ${degree}) {`);
    lines.push(...block.map((l) => indent + l));
  }
  for (let degree = 3; degree > 0; degree--) lines.push(`${'  '.repeat(degree)}}`);
  return `vec3 shColor(int splat, vec3 d) {
  int base = splat * uShTexels;
  float x = d.x, y = d.y, z = d.z;
  float xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
  vec3 color = vec3(0.5);
${lines.join('\n')}
  return max(color, vec3(0.0));
}`;
}

const SH_COLOR_GLSL = shColorGlsl();

export const SPLAT_VERTEX_SHADER = /* glsl */ `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
precision highp usampler2D;

uniform usampler2D uOrder;       // splat index of each draw slot, nearest first
uniform sampler2D uCenters;      // mean xyz, opacity
uniform sampler2D uCovariances;  // 2 texels: Sigma xx xy xz yy | yz zz
uniform usampler2D uSh;          // uShTexels texels of packed half SH coefficients
uniform int uTextureWidth;
uniform int uShDegree;
uniform int uShTexels;
uniform mat3 uRotation;          // world-to-camera R
uniform vec3 uTranslation;
uniform vec3 uCameraCenter;
uniform vec4 uIntrinsics;        // fx, fy, cx, cy
uniform vec2 uImageSize;
uniform vec4 uLimits;            // x/z clamp +, -, y/z clamp +, -
uniform float uLowPass;
uniform float uNearPlane;
uniform bool uAntialiased;

flat out vec2 vCenter;
flat out vec3 vConic;
flat out float vOpacity;
flat out vec3 vColor;

const float ALPHA_MIN = ${glslFloat(ALPHA_MIN)};
const float QUAD_AXIS_MARGIN = ${glslFloat(QUAD_AXIS_MARGIN)};
const vec4 CULLED = vec4(0.0, 0.0, 2.0, 1.0); // outside the clip volume: nothing is rasterised

const float SH_C0 = ${glslFloat(SH_C0)};
const float SH_C1 = ${glslFloat(SH_C1)};
const float SH_C2[5] = float[5](${SH_C2.map(glslFloat).join(', ')});
const float SH_C3[7] = float[7](${SH_C3.map(glslFloat).join(', ')});

ivec2 texelCoord(int index) {
  return ivec2(index % uTextureWidth, index / uTextureWidth);
}

${SH_COLOR_GLSL}
void main() {
  int i = int(texelFetch(uOrder, texelCoord(gl_VertexID >> 2), 0).r);
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1)) * 2.0 - 1.0;
  vec4 center = texelFetch(uCenters, texelCoord(i), 0);
  vec3 mean = center.xyz;
  float opacityRaw = center.w;
  vec3 xc = uRotation * mean + uTranslation;
  float z = xc.z;
  if (!(z >= uNearPlane) || !(opacityRaw >= ALPHA_MIN)) { gl_Position = CULLED; return; }

  vec4 s0 = texelFetch(uCovariances, texelCoord(2 * i), 0);
  vec4 s1 = texelFetch(uCovariances, texelCoord(2 * i + 1), 0);
  mat3 sigma = mat3(s0.x, s0.y, s0.z, s0.y, s0.w, s1.x, s0.z, s1.x, s1.y);

  float fx = uIntrinsics.x, fy = uIntrinsics.y;
  float rx = min(uLimits.x, max(-uLimits.y, xc.x / z));
  float ry = min(uLimits.z, max(-uLimits.w, xc.y / z));
  // Rows of T = J W (a row vector times a matrix).
  vec3 t0 = vec3(fx / z, 0.0, -fx * rx / z) * uRotation;
  vec3 t1 = vec3(0.0, fy / z, -fy * ry / z) * uRotation;
  vec3 st1 = sigma * t1;
  float a0 = dot(t0, sigma * t0);
  float b = dot(t0, st1);
  float c0 = dot(t1, st1);
  float a = a0 + uLowPass, c = c0 + uLowPass;
  float det = a * c - b * b;
  if (!(det > 0.0)) { gl_Position = CULLED; return; }
  float opacity = opacityRaw;
  if (uAntialiased) opacity *= sqrt(max(a0 * c0 - b * b, 0.0) / det);
  if (!(opacity >= ALPHA_MIN)) { gl_Position = CULLED; return; }

  vec2 uv = vec2(fx * xc.x / z + uIntrinsics.z, fy * xc.y / z + uIntrinsics.w);
  float radius = sqrt(2.0 * log(opacity / ALPHA_MIN));
  vec2 extent = 1.001 * radius * sqrt(vec2(a, c)) + 1e-3;
  // The rectangle along the ellipse's axes when it is smaller than the box (src/render/webgpu/quadAxes.ts).
  float lambda1 = 0.5 * (a + c) + length(vec2(0.5 * (a - c), b));
  float lambda2 = max(det / lambda1, 0.0);
  vec2 e = a >= c ? vec2(lambda1 - c, b) : vec2(b, lambda1 - a);
  float len = length(e);
  e = len > 0.0 ? e / len : vec2(1.0, 0.0);
  vec2 h = QUAD_AXIS_MARGIN * radius * sqrt(vec2(lambda1, lambda2)) + 1e-3;
  vec2 pixel = h.x * h.y < extent.x * extent.y ? uv + corner.x * h.x * e + corner.y * h.y * vec2(-e.y, e.x) : uv + corner * extent;
  gl_Position = vec4(2.0 * pixel.x / uImageSize.x - 1.0, 1.0 - 2.0 * pixel.y / uImageSize.y, 0.0, 1.0);

  vCenter = uv;
  vConic = vec3(c / det, -b / det, a / det);
  vOpacity = opacity;
  vColor = shColor(i, normalize(mean - uCameraCenter));
}
`;

export const SPLAT_FRAGMENT_SHADER = /* glsl */ `#version 300 es
precision highp float;

uniform float uImageHeight;

flat in vec2 vCenter;
flat in vec3 vConic;
flat in float vOpacity;
flat in vec3 vColor;

out vec4 fragColor;

const float ALPHA_MIN = ${glslFloat(ALPHA_MIN)};
const float ALPHA_MAX = ${glslFloat(ALPHA_MAX)};

void main() {
  vec2 d = vec2(gl_FragCoord.x, uImageHeight - gl_FragCoord.y) - vCenter;
  float power = -0.5 * (vConic.x * d.x * d.x + vConic.z * d.y * d.y) - vConic.y * d.x * d.y;
  if (power > 0.0) discard;
  float alpha = min(ALPHA_MAX, vOpacity * exp(power));
  if (alpha < ALPHA_MIN) discard;
  fragColor = vec4(vColor * alpha, alpha); // premultiplied
}
`;
