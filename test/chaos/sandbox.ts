import { buildSandbox } from '../../sandbox/app.js';

const BASIC = `Basic ${Buffer.from('sandbox-key:sandbox-secret').toString('base64')}`;

/**
 * The sandbox in the test process (its deliveries are read afterwards), retrying webhooks for
 * 0.6 s only and sending them, with payload, to `webhookUrl` 1.5 s after the login, so webhooks
 * are in flight whenever the API goes down.
 */
export async function startChaosSandbox(port = 0) {
  const sandbox = await buildSandbox({
    apiKey: 'sandbox-key',
    apiSecret: 'sandbox-secret',
    webhookRetryDelaysMs: [200, 400],
  });
  const url = await sandbox.listen({ port, host: '127.0.0.1' });
  const sendWebhooksTo = async (webhookUrl: string) => {
    const webhook = await fetch(`${url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ url: webhookUrl, includePayload: true }),
    });
    if (!webhook.ok) throw new Error(`registering the webhook: ${webhook.status}`);
    const faults = await fetch(`${url}/sandbox/v1/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ deliveryDelayMs: 1_500 }),
    });
    if (!faults.ok) throw new Error(`setting the delivery delay: ${faults.status}`);
  };
  return { sandbox, url, sendWebhooksTo };
}
