import { KYC_RESULT_CODES } from './kyc/jobs.js';
import { SANDBOX_PERSONAS } from './users.js';

const row = (...cells: string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;

/** The sandbox's front page: what an integrator needs to start trying it. */
export function indexPage(o: {
  apiKey: string;
  apiSecret: string;
  webhookSecret: string;
  smileIdPartnerId: string;
}): string {
  const users = SANDBOX_PERSONAS.map((p) =>
    row(
      p.fullName,
      `<code>${p.username}</code>`,
      `<code>${p.password}</code>`,
      `<code>${p.mfaCode}</code>`,
      `<code>${p.providerId}</code>`,
      `${p.expected.outcome} ${p.expected.reasons.join(', ')}`,
    ),
  ).join('');
  const endpoints = [
    ['POST', '/v1/users', 'a user and its link token (5 hours); USER_CREATED'],
    ['POST', '/v1/tokens?userId=', 'a fresh link token'],
    ['GET', '/v1/users/:id', 'one user'],
    ['GET', '/v1/accounts?userId=', 'accounts (size ≤ 150, cursor → nextCursor)'],
    ['GET / DELETE', '/v1/accounts/:id', 'one account / revoke it (ACCOUNT_DISCONNECTED)'],
    ['POST', '/v1/accounts/:id/disableMonitor', 'continuous sync off (monitorStatus CUSTOMER_DISABLED)'],
    [
      'GET',
      '/v1/identities, /employments, /contributions, /incomes, /eincomes',
      'filters userId, accountId, sourceId; startDate/endDate (eincomes: startMonth/endMonth); and /:id',
    ],
    [
      'GET / POST',
      '/v1/webhooks',
      'registrations: {url, includePayload?, eventTypes? (ALL_EVENTS), secret? (the sandbox secret), name?, active?}',
    ],
    ['GET / DELETE', '/v1/webhooks/:id', 'one registration'],
    [
      'POST / GET',
      '/v1/invites, /v1/invites/:id, /v1/invites?userId=',
      '{fullName, email, templateId}: an invited user (USER_CREATED, INVITE_INVITED) and its landing page <code>/invite/:id</code>, which opens the widget',
    ],
    [
      'GET',
      '/v1/archives/:id, /v1/archives/-/payslips/queryPrediction?archiveId=',
      'an uploaded PAYSLIP archive, and Smile’s extraction of it (with validFile)',
    ],
    [
      'POST',
      '/sandbox/v1/invites/:inviteId/link',
      '{username, password, mfaCode?}: links through the invite: ACCOUNT_CREATED, ACCOUNT_CONNECTED, INVITE_LINKED, then the data',
    ],
    [
      'POST',
      '/sandbox/v1/uploads',
      '{userToken, payslips: [{employer, employeeName, periodStart, periodEnd, currency, gross, net, payDate, validFile?}]} or {userToken, persona, count?} or {userToken, notAPayslip: true} or {userToken, unreadableFile: true} (ARCHIVE_FAILED): PAYSLIP archives; ARCHIVE_STARTED and ARCHIVE_ANALYZED for each, then TASK_STARTED and TASK_FINISHED (sourceType ARCHIVE)',
    ],
    [
      'POST',
      '/sandbox/v1/connect',
      '{userToken, username, password, mfaCode?, providerId?}: links an account as the widget would; answers {account, callbacks, events}',
    ],
    [
      'POST / DELETE',
      '/sandbox/v1/faults',
      '{tokenTtlSeconds?, dropEventTypes?, duplicateEvents?, reorderEvents?, deliveryDelayMs?, failDeliveriesFirstN?, kycResultCode?, dropKycCallbacks?, failSyncs?, failTokenRefresh?, inconsistentPayslips?} / reset',
    ],
    [
      'GET',
      '/sandbox/v1/events?userId=, /sandbox/v1/deliveries, /sandbox/v1/requests',
      'what was emitted, each delivery attempt, and when each Smile API request arrived',
    ],
    ['GET', '/wink, /wink/smile.v2.js', 'the widget, and the SDK defining <code>SmileLinkModal</code>'],
    [
      'POST',
      '/smile-id/v1/jobs, /smile-id/v1/job_status',
      'Smile ID style KYC jobs (signed requests; signed callback to callback_url)',
    ],
  ];
  const codes = Object.entries(KYC_RESULT_CODES)
    .map(([code, r]) => row(`<code>${code}</code>`, r.approved ? 'approved' : 'rejected', r.text))
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smile sandbox</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .25rem}td,th{padding:.25rem .75rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>Smile sandbox</h1>
<p>A local emulator of the Smile API (<code>/v1</code>, in Smile's own shapes and envelope), the Wink widget and a Smile ID style KYC service.</p>
<h2>Credentials</h2>
<p>Basic auth: <code>${o.apiKey}</code> : <code>${o.apiSecret}</code>
(<code>curl -u ${o.apiKey}:${o.apiSecret} -X POST http://127.0.0.1:3100/v1/users</code>).
Webhooks carry <code>Smile-Signature</code>, hex HMAC-SHA512 of the body keyed with the registration's <code>secret</code>
(default <code>${o.webhookSecret}</code>); failed deliveries are retried twice. Smile ID partner id <code>${o.smileIdPartnerId}</code>.</p>
<h2>Users</h2>
<table><tr><th>Name</th><th>Username</th><th>Password</th><th>Code</th><th>Provider</th><th>Outcome (default policy)</th></tr>${users}</table>
<p>Any other username or password fails with <code>ACCOUNT_FAILED</code> / <code>INVALID_CREDENTIALS</code>; a wrong code with <code>INVALID_MFA</code>.
Data dates move with the clock. A connect emits, in order: ACCOUNT_CREATED, ACCOUNT_CONNECTED (or ACCOUNT_FAILED),
TASK_STARTED, IDENTITY_ADDED, EMPLOYMENTS_ADDED, CONTRIBUTIONS_ADDED, INCOMES_ADDED, EINCOMES_ADDED (those with data), TASK_FINISHED.</p>
<h2>Endpoints</h2>
<table>${endpoints.map(([m, p, d]) => row(`<b>${m}</b>`, `<code>${p}</code>`, d!)).join('')}</table>
<h2>KYC result codes</h2>
<p>A job's <code>ResultCode</code> is the <code>kycResultCode</code> fault when set; else a marker <code>RC&lt;code&gt;</code> in
<code>partner_params.job_id</code> or <code>user_id</code> (e.g. <code>job-RC1022</code>); else <code>1012</code>.</p>
<table>${codes}</table>
</body></html>`;
}
