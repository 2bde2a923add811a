import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';

/**
 * The codec-server protocol of the Temporal Web UI and CLI: payloads with base64 metadata values and data.
 * Protobuf's JSON leaves out an empty list, so `{}` is an empty batch (the CLI sends it for a query without arguments).
 */
const payloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), z.string()).default({}), data: z.string().optional() }))
    .max(1_000)
    .nullish()
    .transform((payloads) => payloads ?? []),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload) => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});
const toJson = ({ metadata, data }: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(data ?? []).toString('base64'),
});

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** The Web UI's origin, allowed by CORS. */
  uiOrigins: string[];
  /** In development the local UI may call without a key; elsewhere a key with the `codec` scope is required. */
  requireKey: boolean;
}

/** `POST /codec/encode` and `/codec/decode`: lets the Temporal UI show decrypted payloads to operators. */
const codecRoutes: FastifyPluginAsyncZod<CodecRoutesOptions> = async (app, { codec, uiOrigins, requireKey }) => {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && uiOrigins.includes(origin)) {
      void reply.header('access-control-allow-origin', origin).header('vary', 'origin');
      void reply
        .header('access-control-allow-headers', 'Authorization, Content-Type, X-Namespace')
        .header('access-control-allow-methods', 'POST, OPTIONS');
      void reply.header('access-control-allow-credentials', 'true');
    }
    if (request.method === 'OPTIONS') return reply.code(204).send();
  });
  if (requireKey) {
    app.addHook('onRequest', app.identify);
    app.addHook('onRequest', app.rateLimit());
    app.addHook('onRequest', app.authorize);
  }
  app.options('/codec/encode', async () => undefined);
  app.options('/codec/decode', async () => undefined);
  for (const direction of ['encode', 'decode'] as const) {
    const options = { config: { auth: { scope: 'codec' as const } }, schema: { hide: true, body: payloadsBody } };
    app.post(`/codec/${direction}`, options, async (request) => ({
      payloads: (await codec[direction](request.body.payloads.map(fromJson))).map(toJson),
    }));
  }
};

export default fp(codecRoutes, { name: 'codec-routes', dependencies: ['auth'], encapsulate: true });
