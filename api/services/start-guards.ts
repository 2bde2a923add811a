import { lookup } from 'node:dns/promises';
import type { FastifyRequest } from 'fastify';
import { hostVerdict, nonPublicKind } from '../../runtime/public-address.js';
import { HttpProblem } from '../schemas/problem.js';

const DNS_DEADLINE_MS = 2_000;

/** Whether a callback host is, or resolves to, a non-public address; a name that does not resolve now passes (the delivery checks again). */
async function callbackUrlProblem(callbackUrl: string): Promise<string | undefined> {
  const { hostname } = new URL(callbackUrl);
  const verdict = hostVerdict(hostname);
  if (verdict !== 'resolve') return verdict && `its host is a ${verdict} address`;
  const addresses = await Promise.race([
    lookup(hostname, { all: true }).catch(() => []),
    new Promise<[]>((resolve) => setTimeout(() => resolve([]), DNS_DEADLINE_MS).unref()),
  ]);
  const refused = addresses.map((a) => nonPublicKind(a.address)).find((kind) => kind !== undefined);
  return refused && `its host resolves to a ${refused} address`;
}

export interface StartGuardOptions {
  /** The SMILE_ID_* settings are present: else a policy with KYC is refused. */
  kycConfigured: boolean;
  /** RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS. */
  allowPrivateCallbacks: boolean;
  /** SMILE_INVITE_TEMPLATE_ID is set (always outside production): else `invite` is refused. */
  inviteConfigured?: boolean;
}

type StartBody = { callbackUrl?: string; policy: { kyc: { enabled: boolean } }; invite?: unknown };

/** preHandler of `POST /v1/verifications`: what the body schema cannot know (configuration, DNS) as 400 problems. */
export function startVerificationGuard({
  kycConfigured,
  allowPrivateCallbacks,
  inviteConfigured = true,
}: StartGuardOptions) {
  return async (request: FastifyRequest) => {
    const { callbackUrl, policy, invite } = request.body as StartBody;
    const errors: { path: string; message: string }[] = [];
    if (invite !== undefined && !inviteConfigured)
      errors.push({
        path: 'body.invite',
        message: 'invites are not configured on this deployment (SMILE_INVITE_TEMPLATE_ID)',
      });
    if (policy.kyc.enabled && !kycConfigured)
      errors.push({
        path: 'body.policy.kyc.enabled',
        message: 'KYC is not configured on this deployment (SMILE_ID_*)',
      });
    const callbackProblem = callbackUrl && !allowPrivateCallbacks ? await callbackUrlProblem(callbackUrl) : undefined;
    if (callbackProblem)
      errors.push({ path: 'body.callbackUrl', message: `callbackUrl must reach a public address: ${callbackProblem}` });
    if (errors.length > 0)
      throw new HttpProblem(400, 'Invalid request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  };
}
