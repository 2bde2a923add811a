import { smileEvent, smileSignature } from '../support/webhooks.js';
import type { ClusterPorts } from '../../scripts/cluster/topology.js';

/** How many shards each history process owns, from its own Prometheus endpoint (`numshards_gauge`). */
export async function historyShards(ports: ClusterPorts): Promise<{ name: string; shards: number }[]> {
  const history = ports.temporal.filter((p) => p.role === 'history');
  return Promise.all(
    history.map(async ({ name, metricsPort }) => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const gauge = text.split('\n').find((line) => line.startsWith('numshards_gauge'));
      return { name, shards: gauge ? Number(gauge.split(' ').at(-1)) : 0 };
    }),
  );
}

/** A signed Smile webhook (USER_CREATED for a user nobody verifies) posted to one API. */
export async function signedWebhook(apiUrl: string): Promise<{ status: number; eventId: string }> {
  const event = smileEvent('USER_CREATED', { userId: 'tenantId-cluster-probe' });
  const body = JSON.stringify(event);
  const response = await fetch(`${apiUrl}/webhooks/smile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'smile-signature': smileSignature(body) },
    body,
  });
  return { status: response.status, eventId: event.id };
}
