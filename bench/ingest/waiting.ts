import { INGEST_API_KEY, type IngestStack } from './stack.js';

export interface Waiting {
  workflowId: string;
  smileUserId: string;
}

/** Starts `count` verifications through the API (8 at a time); each waits for its user to connect. */
export async function startVerifications(stack: IngestStack, count: number): Promise<Waiting[]> {
  const targets: Waiting[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const externalUserId = `ingest-${next++}`;
        const response = await fetch(`${stack.apiUrl}/v1/verifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${INGEST_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ externalUserId }),
        });
        const body = (await response.json()) as { verificationId: string; smileUserId: string };
        if (response.status !== 201)
          throw new Error(`POST /v1/verifications: ${response.status} ${JSON.stringify(body)}`);
        targets.push({ workflowId: body.verificationId, smileUserId: body.smileUserId });
      }
    }),
  );
  return targets;
}

/**
 * The users the webhooks name: the waiting verifications', and one in ten that
 * Smile knows and we do not (such an event is stored as an orphan).
 */
export const webhookUsers = (targets: Waiting[]) => [
  ...targets.map((t) => t.smileUserId),
  ...Array.from({ length: Math.ceil(targets.length / 9) }, (_, i) => `u-unknown-${i}`),
];
