import { describe, expect, it } from 'vitest';
import { callsInFlight } from '../../src/core/callsInFlight.ts';

describe('callsInFlight', () => {
  it('passes results through and rejects only the calls in flight when failAll fires', async () => {
    const calls = callsInFlight();
    expect(await calls.run(async () => 7)).toBe(7);
    const never = calls.run(() => new Promise<number>(() => {}));
    calls.failAll(new Error('worker died'));
    await expect(never).rejects.toThrow('worker died');
    // A later call is not affected by the earlier failure.
    expect(await calls.run(async () => 'ok')).toBe('ok');
  });
});
