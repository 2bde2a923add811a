import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `read` until `ok` holds (or `timeoutMs` passes), returning the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}
