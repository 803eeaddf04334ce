/**
 * Small WebGL2 helpers of the splat renderer: programs that fail with the driver's log, and the
 * data textures (nearest sampling only: they are read with texelFetch).
 */
export function compileProgram(gl: WebGL2RenderingContext, name: string, vertexSource: string, fragmentSource: string): WebGLProgram {
  const shader = (type: number, source: string, stage: string) => {
    const s = gl.createShader(type);
    if (!s) throw new Error(`WebGL2: could not create the ${name} ${stage} shader (context lost?)`);
    gl.shaderSource(s, source);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS) && !gl.isContextLost()) {
      const log = gl.getShaderInfoLog(s);
      gl.deleteShader(s);
      throw new Error(`WebGL2: the ${name} ${stage} shader does not compile: ${log}`);
    }
    return s;
  };
  const vs = shader(gl.VERTEX_SHADER, vertexSource, 'vertex');
  const fs = shader(gl.FRAGMENT_SHADER, fragmentSource, 'fragment');
  const program = gl.createProgram();
  if (!program) throw new Error(`WebGL2: could not create the ${name} program (context lost?)`);
  gl.attachShader(program, vs);
  gl.attachShader(program, fs);
  gl.linkProgram(program);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
    const log = gl.getProgramInfoLog(program);
    gl.deleteProgram(program);
    throw new Error(`WebGL2: the ${name} program does not link: ${log}`);
  }
  return program;
}

export type DataTextureFormat = 'rgba32f' | 'rgba32ui';

/** A width x (data.length / 4 / width) texture holding `data`, replacing `previous` if given. */
export function uploadDataTexture(
  gl: WebGL2RenderingContext,
  format: DataTextureFormat,
  width: number,
  data: Float32Array | Uint32Array,
  previous: WebGLTexture | null,
): WebGLTexture {
  const rows = data.length / 4 / width;
  const max = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  if (rows > max) throw new Error(`WebGL2: the cloud needs a ${width}x${rows} data texture; this GPU allows at most ${max} rows. Use fewer splats or a lower SH degree.`);
  if (previous) gl.deleteTexture(previous);
  const texture = gl.createTexture();
  if (!texture) throw new Error('WebGL2: could not create a texture (context lost?)');
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
  if (format === 'rgba32f') gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, width, rows, 0, gl.RGBA, gl.FLOAT, data);
  else gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32UI, width, rows, 0, gl.RGBA_INTEGER, gl.UNSIGNED_INT, data);
  gl.bindTexture(gl.TEXTURE_2D, null);
  return texture;
}
