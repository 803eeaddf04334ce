/**
 * GLSL ES 3.00 of the composite pass: the splat pass accumulates front to back into a float
 * target, colour C = sum c_i alpha_i T_i and coverage A = 1 - T_final, starting from zero; this
 * pass finishes the trainer's blending equation, C + T_final * background, into the canvas (or the
 * RGBA8 read-back target). One full-screen triangle, no vertex buffer.
 */
export const COMPOSITE_VERTEX_SHADER = /* glsl */ `#version 300 es
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
`;

export const COMPOSITE_FRAGMENT_SHADER = /* glsl */ `#version 300 es
precision highp float;
precision highp sampler2D;

uniform sampler2D uAccumulated;
uniform vec3 uBackground;

out vec4 fragColor;

void main() {
  vec4 acc = texelFetch(uAccumulated, ivec2(gl_FragCoord.xy), 0);
  fragColor = vec4(acc.rgb + (1.0 - acc.a) * uBackground, 1.0);
}
`;
