import { afterAll, beforeAll } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the receiver took: its headers and its body, parsed as JSON. */
export interface ReceivedCallback<T> {
  headers: IncomingHttpHeaders;
  body: T;
}

export interface CallbackReceiver<T = unknown> {
  /** Where to send result callbacks (a `callbackUrl`). */
  url: string;
  /** Every POST so far, in order of arrival. */
  received: ReceivedCallback<T>[];
  close(): Promise<void>;
}

/**
 * A client's result-callback endpoint on loopback: keeps what it receives and
 * answers `status(n)` to the n-th request (1-based; 204 unless told).
 */
export async function startCallbackReceiver<T = unknown>(
  status: (n: number) => number = () => 204,
): Promise<CallbackReceiver<T>> {
  const received: ReceivedCallback<T>[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(body) as T });
      response.writeHead(status(received.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/results`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A receiver for one test file: started in beforeAll, closed in afterAll. */
export function useCallbackReceiver<T = unknown>(status?: (n: number) => number): CallbackReceiver<T> {
  let running: CallbackReceiver<T> | undefined;
  beforeAll(async () => {
    running = await startCallbackReceiver<T>(status);
  });
  afterAll(() => running?.close());
  const current = () => {
    if (!running) throw new Error('the receiver starts in beforeAll');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get received() {
      return current().received;
    },
    close: () => current().close(),
  };
}
