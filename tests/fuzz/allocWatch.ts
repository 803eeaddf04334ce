/**
 * Counts the bytes every typed array and ArrayBuffer allocates while a reader runs, so the fuzzer
 * can show that memory is bounded by the input's size. The global constructors are swapped for
 * transparent proxies; libraries that keep a reference to a constructor (fflate's `u8`) only go
 * through the proxy when this module is evaluated before they are: import it first.
 * Views over an existing buffer allocate nothing and are not counted. Allocations made by
 * `.slice()`/`.map()` on an existing array (species constructors) are not seen either, so the
 * count is a lower bound of what was allocated; the largest allocation is what a bomb inflates.
 */
const NAMES = ['Uint8Array', 'Uint8ClampedArray', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'] as const;

let largest = 0;
let total = 0;
let active = false;
const originals = new Map<string, unknown>();

function bytesOf(bpe: number, args: unknown[]): number {
  const a = args[0];
  if (typeof a === 'number') return Number.isFinite(a) ? a * bpe : 0;
  if (a instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && a instanceof SharedArrayBuffer)) return 0;
  if (a && typeof a === 'object' && 'length' in a && typeof (a as { length: unknown }).length === 'number') return (a as { length: number }).length * bpe;
  return 0;
}

function note(bytes: number): void {
  if (!active) return;
  largest = Math.max(largest, bytes);
  total += bytes;
}

/** Installs the proxies once per process (idempotent). */
export function installAllocWatch(): void {
  if (originals.size) return;
  const g = globalThis as Record<string, unknown>;
  for (const name of NAMES) {
    const ctor = g[name] as { BYTES_PER_ELEMENT: number } & (new (...a: unknown[]) => unknown);
    originals.set(name, ctor);
    g[name] = new Proxy(ctor, {
      construct(target, args, newTarget) {
        note(bytesOf(target.BYTES_PER_ELEMENT, args));
        return Reflect.construct(target, args, newTarget === g[name] ? target : newTarget);
      },
    });
  }
  const AB = g.ArrayBuffer as new (n: number) => ArrayBuffer;
  originals.set('ArrayBuffer', AB);
  g.ArrayBuffer = new Proxy(AB, {
    construct(target, args, newTarget) {
      note(typeof args[0] === 'number' && Number.isFinite(args[0]) ? args[0] : 0);
      return Reflect.construct(target, args, newTarget === g.ArrayBuffer ? target : newTarget);
    },
  });
}

/** Puts the real constructors back (end of a test file). */
export function uninstallAllocWatch(): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, ctor] of originals) g[name] = ctor;
  originals.clear();
}

/** Runs fn counting its allocations: the largest single one and the sum, in bytes. */
export async function measureAllocations<T>(fn: () => T | Promise<T>): Promise<{ value?: T; error?: unknown; largest: number; total: number }> {
  largest = 0;
  total = 0;
  active = true;
  try {
    return { value: await fn(), largest, total };
  } catch (error) {
    return { error, largest, total };
  } finally {
    active = false;
  }
}

installAllocWatch();
