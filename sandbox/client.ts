/** How tests, benchmarks and scripts call a running sandbox: its Smile API and its link simulation. */

const SANDBOX_BASIC_AUTH = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`;

/** The sandbox's Smile API with its Basic auth; returns the envelope's `data`, throws on an error answer. */
export async function smileSandboxRequest(
  sandboxUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(sandboxUrl + path, {
    method,
    headers: {
      authorization: SANDBOX_BASIC_AUTH,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const envelope = (await response.json()) as { data: unknown; code: string };
  if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status} ${envelope.code}`);
  return envelope.data;
}

/** What the Wink widget and Smile's back end do when a user logs in (`POST /sandbox/v1/connect`). */
export async function sandboxConnect(
  sandboxUrl: string,
  userToken: string,
  user: { username: string; password: string; mfaCode?: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandboxUrl}/sandbox/v1/connect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userToken, ...user }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
