import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * An HTTP proxy in front of the sandbox that holds chosen answers back: the
 * request reaches the sandbox at once (its side effects happen), the caller
 * gets the answer `delayMs(method, path)` later. Set `target` before use.
 */
export async function delayingProxy(delayMs: (method: string, path: string) => number) {
  const proxy = { target: '', url: '', close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  const body = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer(async (request, response) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
    ) as Record<string, string>;
    const payload = method === 'GET' || method === 'HEAD' ? undefined : await body(request);
    const answer = await fetch(proxy.target + path, { method, headers, body: payload });
    const text = await answer.text();
    await sleep(delayMs(method, path));
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
