/**
 * Adam on the GPU over the rasterizer's flat parameter and gradient buffers, with one learning
 * rate per parameter group (3DGS's param_groups) and a guard against non-finite gradients.
 *
 * Per step: clear the status words, `check` (count bad gradients), `update` (Adam, or nothing
 * when the policy is 'skip-step' and a gradient was bad). The trainer copies statusBuffer (16
 * bytes) into the read-back it already does for the loss, so the guard costs no extra stall.
 *
 * m and v share the parameter layout. After densification changes the splats, the trainer reads
 * them (readMoments), lets densify() carry them along with their splats, and writes them back.
 */
import { CLOUD_ARRAY_KEYS, cloudArrayLengths, shCoeffCount, unflattenCloudArrays, type FlatParamLayout } from '../../core/gaussianCloud.ts';
import { readBuffer, storageBuffer } from '../buffers.ts';
import linearIndex from '../kernels/chunks/linearIndex.wgsl?raw';
import { composeWgsl, computePipeline, dispatchLinear } from '../pipelines.ts';
import adamWgsl from './adam.wgsl?raw';
import { adamStepConstants, DEFAULT_ADAM_HYPER, type AdamHyperParams, type AdamLearningRates, type AdamMoments, type NonFinitePolicy } from './adamCore.ts';

export interface GpuAdamOptions {
  layout: FlatParamLayout;
  shDegree: number;
  hyper?: Partial<AdamHyperParams>;
  /** Default 'skip-step'. */
  onNonFinite?: NonFinitePolicy;
}

export interface AdamStatus {
  /** Non-finite gradient values in the last step. */
  nonFinite: number;
  /** Lowest flat index of a non-finite gradient in the last step, or -1. */
  firstBadIndex: number;
  /** Steps that saw a non-finite gradient since the optimiser was created. */
  badSteps: number;
}

const UNIFORM_BYTES = 96;
const WG = 256;
export const ADAM_STATUS_BYTES = 16;

export function decodeAdamStatus(words: Uint32Array): AdamStatus {
  return { nonFinite: words[0], firstBadIndex: words[1] === 0 ? -1 : 0xffffffff - words[1], badSteps: words[2] };
}

export class GpuAdam {
  /** Updates applied so far (Adam's t); encodeStep increments it before use. */
  stepCount = 0;
  readonly shDegree: number;
  readonly hyper: AdamHyperParams;
  readonly policy: NonFinitePolicy;
  private layoutValue: FlatParamLayout;
  private m: GPUBuffer;
  private v: GPUBuffer;
  private readonly status: GPUBuffer;
  private readonly uniforms: GPUBuffer;
  private readonly checkPipeline: GPUComputePipeline;
  private readonly updatePipeline: GPUComputePipeline;
  private groups: { params: GPUBuffer; grads: GPUBuffer; check: GPUBindGroup; update: GPUBindGroup } | null = null;

  constructor(
    readonly device: GPUDevice,
    options: GpuAdamOptions,
  ) {
    this.shDegree = options.shDegree;
    this.hyper = { ...DEFAULT_ADAM_HYPER, ...options.hyper };
    this.policy = options.onNonFinite ?? 'skip-step';
    this.layoutValue = options.layout;
    checkLayout(this.layoutValue, this.shDegree);
    const code = composeWgsl(linearIndex, adamWgsl);
    this.checkPipeline = computePipeline(device, 'adam check', code, 'check');
    this.updatePipeline = computePipeline(device, 'adam update', code, 'update');
    [this.m, this.v] = this.createMoments(this.layoutValue);
    this.status = storageBuffer(device, 'adam status', ADAM_STATUS_BYTES);
    this.uniforms = device.createBuffer({ label: 'adam uniforms', size: UNIFORM_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  get layout(): FlatParamLayout {
    return this.layoutValue;
  }

  get buffers(): { m: GPUBuffer; v: GPUBuffer; status: GPUBuffer } {
    return { m: this.m, v: this.v, status: this.status };
  }

  /**
   * Follow a new parameter layout (the rasterizer grew its capacity). The moments start at zero;
   * write the carried-over ones with writeMoments.
   */
  setLayout(layout: FlatParamLayout): void {
    checkLayout(layout, this.shDegree);
    this.m.destroy();
    this.v.destroy();
    this.layoutValue = layout;
    [this.m, this.v] = this.createMoments(layout);
    this.groups = null;
  }

  /**
   * Encodes one step for the first `count` splats. The uniforms are written with
   * queue.writeBuffer, so encode at most one step per submitted command buffer.
   */
  encodeStep(encoder: GPUCommandEncoder, params: GPUBuffer, grads: GPUBuffer, count: number, lr: AdamLearningRates): void {
    const L = this.layoutValue;
    if (!(Number.isInteger(count) && count >= 0 && count <= L.capacity)) throw new Error(`GpuAdam: ${count} splats do not fit the layout's capacity ${L.capacity}`);
    if (params.size < 4 * L.length || grads.size < 4 * L.length) throw new Error(`GpuAdam: parameter/gradient buffers are smaller than the layout (${4 * L.length} bytes)`);
    const c = adamStepConstants(lr, this.stepCount + 1, this.hyper);
    this.stepCount++;
    const data = new ArrayBuffer(UNIFORM_BYTES);
    const words = new Uint32Array(data);
    const floats = new Float32Array(data);
    words.set([count, shCoeffCount(this.shDegree), L.means, L.logScales, L.quats, L.opacityLogits, L.sh, this.policy === 'skip-step' ? 1 : 0]);
    floats.set(c.stepSizes, 8);
    floats.set([c.beta1, c.beta2, c.oneMinusBeta1, c.oneMinusBeta2, c.invSqrtBc2, c.eps], 16);
    this.device.queue.writeBuffer(this.uniforms, 0, data);

    const groups = this.bindGroups(params, grads);
    const threads = count * (11 + 3 * shCoeffCount(this.shDegree));
    encoder.clearBuffer(this.status, 0, 8);
    const pass = encoder.beginComputePass({ label: 'adam' });
    pass.setPipeline(this.checkPipeline);
    pass.setBindGroup(0, groups.check);
    dispatchLinear(pass, threads, WG);
    pass.setPipeline(this.updatePipeline);
    pass.setBindGroup(0, groups.update);
    // At least one workgroup, so the bad-step counter advances even for an empty cloud.
    dispatchLinear(pass, Math.max(threads, 1), WG);
    pass.end();
  }

  /** encodeStep in its own submission. */
  step(params: GPUBuffer, grads: GPUBuffer, count: number, lr: AdamLearningRates): void {
    const encoder = this.device.createCommandEncoder({ label: 'adam step' });
    this.encodeStep(encoder, params, grads, count, lr);
    this.device.queue.submit([encoder.finish()]);
  }

  /** Stalls; the trainer should rather copy buffers.status next to its loss read-back. */
  async readStatus(): Promise<AdamStatus> {
    return decodeAdamStatus(new Uint32Array(await readBuffer(this.device, this.status, ADAM_STATUS_BYTES)));
  }

  /** m and v of the first `count` splats, shaped like the cloud's arrays. */
  async readMoments(count: number): Promise<AdamMoments> {
    const L = this.layoutValue;
    const [m, v] = await Promise.all([readBuffer(this.device, this.m, 4 * L.length), readBuffer(this.device, this.v, 4 * L.length)]);
    return { m: unflattenCloudArrays(new Float32Array(m), L, count, this.shDegree), v: unflattenCloudArrays(new Float32Array(v), L, count, this.shDegree) };
  }

  /** Replaces m and v of the first `count` splats (the rest of the buffers is left alone). */
  writeMoments(moments: AdamMoments, count: number): void {
    const L = this.layoutValue;
    if (count > L.capacity) throw new Error(`GpuAdam.writeMoments: ${count} splats exceed capacity ${L.capacity}; call setLayout first`);
    const K = shCoeffCount(this.shDegree);
    for (const [buffer, p] of [[this.m, moments.m], [this.v, moments.v]] as const) {
      const sections: [number, Float32Array, number][] = [[L.means, p.means, 3], [L.logScales, p.logScales, 3], [L.quats, p.quats, 4], [L.opacityLogits, p.opacityLogits, 1], [L.sh, p.sh, 3 * K]];
      for (const [offset, arr, per] of sections) {
        if (arr.length !== per * count) throw new Error(`GpuAdam.writeMoments: a section has ${arr.length} values, expected ${per * count}`);
        if (arr.length) this.device.queue.writeBuffer(buffer, 4 * offset, arr.buffer, arr.byteOffset, arr.byteLength);
      }
    }
  }

  /** Zero moments, t = 0 and a clean status: a fresh optimiser over the same buffers. */
  reset(): void {
    const encoder = this.device.createCommandEncoder({ label: 'adam reset' });
    encoder.clearBuffer(this.m);
    encoder.clearBuffer(this.v);
    encoder.clearBuffer(this.status);
    this.device.queue.submit([encoder.finish()]);
    this.stepCount = 0;
  }

  destroy(): void {
    this.m.destroy();
    this.v.destroy();
    this.status.destroy();
    this.uniforms.destroy();
  }

  private createMoments(layout: FlatParamLayout): [GPUBuffer, GPUBuffer] {
    return [storageBuffer(this.device, 'adam m', 4 * layout.length), storageBuffer(this.device, 'adam v', 4 * layout.length)];
  }

  private bindGroups(params: GPUBuffer, grads: GPUBuffer) {
    if (this.groups && this.groups.params === params && this.groups.grads === grads) return this.groups;
    const entries = (list: [number, GPUBuffer][]) => list.map(([binding, buffer]) => ({ binding, resource: { buffer } }));
    // The two entry points use different subsets of the bindings, so their auto layouts differ.
    const check = this.device.createBindGroup({
      label: 'adam check',
      layout: this.checkPipeline.getBindGroupLayout(0),
      entries: entries([[0, this.uniforms], [2, grads], [5, this.status]]),
    });
    const update = this.device.createBindGroup({
      label: 'adam update',
      layout: this.updatePipeline.getBindGroupLayout(0),
      entries: entries([[0, this.uniforms], [1, params], [2, grads], [3, this.m], [4, this.v], [5, this.status]]),
    });
    this.groups = { params, grads, check, update };
    return this.groups;
  }
}

function checkLayout(L: FlatParamLayout, shDegree: number): void {
  if (!(shDegree >= 0 && shDegree <= 3 && Number.isInteger(shDegree))) throw new Error(`GpuAdam: SH degree must be 0..3, got ${shDegree}`);
  const size = cloudArrayLengths(L.capacity, shDegree);
  for (const name of CLOUD_ARRAY_KEYS) {
    const offset = L[name];
    if (!(offset >= 0 && offset + size[name] <= L.length)) throw new Error(`GpuAdam: layout section ${name} [${offset}, +${size[name]}) exceeds length ${L.length}`);
  }
}
