/**
 * The worker client and host (src/worker/) over a MessageChannel standing in for a Worker: calls,
 * transfers both ways, jobs cancelled through an AbortSignal, the page's callbacks released when a
 * call settles, and a worker that dies failing every call in flight with a message.
 */
import type * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { buffersOf, transferring } from '../../src/worker/transfer.ts';
import { proxy, workerClient, type WorkerClientOptions, type WorkerEndpoint } from '../../src/worker/workerClient.ts';
import { hostWorker, type Job } from '../../src/worker/workerHost.ts';

interface FakeWorker extends WorkerEndpoint {
  terminated: boolean;
  /** What a Worker fires when its script throws or fails to load. */
  crash(message: string): void;
  dispatchEvent(e: Event): boolean;
}

const opened: MessagePort[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});

/** A factory of fake workers, each hosting `calls` and `jobs` on the far end of a MessageChannel. */
function fakeWorkers<C extends object, J extends Record<string, Job>>(calls: C, jobs?: J) {
  const made: FakeWorker[] = [];
  const start = () => {
    const { port1, port2 } = new MessageChannel();
    opened.push(port1, port2);
    const api = hostWorker(calls, jobs, port2 as unknown as Comlink.Endpoint);
    const w = Object.assign(port1, {
      terminated: false,
      terminate() {
        w.terminated = true;
        port1.close();
        port2.close();
      },
      crash(message: string) {
        port1.dispatchEvent(Object.assign(new Event('error'), { message }));
      },
    }) as unknown as FakeWorker;
    made.push(w);
    return { worker: w, api };
  };
  type Api = ReturnType<typeof start>['api'];
  return {
    made,
    client: (o: Partial<WorkerClientOptions> = {}) => workerClient<Api>({ start: () => start().worker, name: 'the test worker', ...o }),
  };
}

const never = () => new Promise<never>(() => {});

describe('workerClient and hostWorker', () => {
  it('starts the worker on the first call, once, and passes arguments and results through', async () => {
    const { made, client } = fakeWorkers({ add: (a: number, b: number) => a + b, fail: () => { throw new Error('bad input'); } });
    const w = client();
    expect(made.length).toBe(0);
    expect(w.running()).toBe(false);
    expect(await w.call((r) => r.add(2, 3))).toBe(5);
    expect(await w.call((r) => r.add(10, -4))).toBe(6);
    expect(made.length).toBe(1);
    expect(w.running()).toBe(true);
    await expect(w.call((r) => r.fail())).rejects.toThrow('bad input');
  });

  it('transfers buffers both ways instead of copying them', async () => {
    let received: Float32Array | null = null;
    const { client } = fakeWorkers({
      double(a: Float32Array): Float32Array {
        received = a;
        const out = a.map((x) => 2 * x);
        return transferring(out, [out]);
      },
    });
    const w = client();
    const sent = new Float32Array([1, 2, 3]);
    const back = await w.call((r) => r.double(transferring(sent, [sent])) as Promise<Float32Array>);
    expect(Array.from(back)).toEqual([2, 4, 6]);
    expect(sent.buffer.byteLength).toBe(0); // moved to the worker, not copied
    expect(Array.from(received!)).toEqual([1, 2, 3]);

    // Without `transferring` the page keeps its buffer.
    const kept = new Float32Array([5]);
    await w.call((r) => r.double(kept));
    expect(kept.buffer.byteLength).toBe(4);
  });

  it('buffersOf: each buffer once, SharedArrayBuffers and missing arrays skipped', () => {
    const buf = new ArrayBuffer(16);
    const shared = new SharedArrayBuffer(8);
    expect(buffersOf([new Uint8Array(buf, 0, 4), new Float32Array(buf, 4, 2), new Uint8Array(shared), null, undefined, buf])).toEqual([buf]);
  });

  it('cancels a job in the worker when its AbortSignal aborts; an aborted signal never reaches the worker', async () => {
    const seen: AbortSignal[] = [];
    const { made, client } = fakeWorkers(
      {},
      {
        wait: (signal: AbortSignal, label: string) =>
          new Promise<string>((resolve, reject) => {
            seen.push(signal);
            signal.addEventListener('abort', () => reject(new Error(`${label} was cancelled`)));
          }),
      },
    );
    const w = client();
    const a = new AbortController();
    const b = new AbortController();
    const first = w.job(a.signal, (r, id) => r.wait(id, 'first'));
    const second = w.job(b.signal, (r, id) => r.wait(id, 'second'));
    await expect.poll(() => seen.length).toBe(2);
    a.abort();
    await expect(first).rejects.toThrow('first was cancelled');
    // Only that job: the other one is still running in the worker.
    expect(seen.map((s) => s.aborted)).toEqual([true, false]);
    b.abort();
    await expect(second).rejects.toThrow('second was cancelled');

    const gone = new AbortController();
    gone.abort();
    await expect(w.job(gone.signal, (r, id) => r.wait(id, 'third'))).rejects.toThrow(/abort/i);
    expect(seen.length).toBe(2);
    expect(made.length).toBe(1);
  });

  it("releases the page's callbacks once the call settles", async () => {
    let kept: ((n: number) => void) | null = null;
    const { client } = fakeWorkers({
      async report(onProgress: (n: number) => void) {
        kept = onProgress;
        await onProgress(1);
        return 'done';
      },
    });
    const w = client();
    const got: number[] = [];
    expect(await w.call((r) => r.report(proxy((n: number) => void got.push(n))))).toBe('done');
    expect(got).toEqual([1]);
    expect(() => kept!(2)).toThrow(/released/);
  });

  it('a crash rejects every call in flight with a message naming the worker, and the next call starts a new one', async () => {
    const { made, client } = fakeWorkers({ hang: never, echo: (x: string) => x }, { wait: (_signal: AbortSignal) => never() });
    const w = client({ advice: 'Try again.' });
    const inFlight = [w.call((r) => r.hang()), w.call((r) => r.hang()), w.job(new AbortController().signal, (r, id) => r.wait(id))];
    await expect(w.call((r) => r.echo('up'))).resolves.toBe('up');
    made[0].crash('out of memory');
    for (const call of inFlight) await expect(call).rejects.toThrow('the test worker stopped (out of memory). Try again.');
    expect(made[0].terminated).toBe(true);
    expect(w.running()).toBe(false);

    expect(await w.call((r) => r.echo('again'))).toBe('again');
    expect(made.length).toBe(2);
    // A late event from the dead worker does not touch the new one's calls.
    const late = w.call((r) => r.hang());
    made[0].crash('late');
    made[1].dispatchEvent(new Event('messageerror'));
    await expect(late).rejects.toThrow('the test worker stopped (a message could not be read)');
  });

  it('without restart, later calls fail as the crash did; stop() fails calls in flight with its reason', async () => {
    const { made, client } = fakeWorkers({ hang: never, echo: (x: string) => x });
    const crashing = client({ restart: false, crashed: 'it failed to load or crashed' });
    const first = crashing.call((r) => r.hang());
    made[0].dispatchEvent(new Event('error'));
    await expect(first).rejects.toThrow('the test worker stopped (it failed to load or crashed)');
    await expect(crashing.call((r) => r.echo('x'))).rejects.toThrow('the test worker stopped (it failed to load or crashed)');
    expect(made.length).toBe(1);

    const stopped = client({ restart: false });
    await stopped.call((r) => r.echo('up'));
    const pending = stopped.call((r) => r.hang());
    stopped.stop('destroyed');
    await expect(pending).rejects.toThrow('the test worker stopped (destroyed)');
    await expect(stopped.call((r) => r.echo('x'))).rejects.toThrow('the test worker stopped (destroyed)');
    expect(made[1].terminated).toBe(true);
  });
});
