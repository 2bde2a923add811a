import type { SandboxInvite } from '../invites.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The hosted invite landing page (`GET /invite/:id`), what the invite email
 * links to: a greeting and the Wink widget for the invited user, with a fresh
 * link token and the upload path enabled.
 */
export function invitePage(invite: SandboxInvite, userToken: string): string {
  const widget = new URLSearchParams({ userToken, enableUpload: 'true', companyName: 'Smile sandbox lender' });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Share your employment data (Smile sandbox invite)</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f1f5f9;color:#0f172a}
main{max-width:460px;margin:2rem auto;padding:0 1rem}h1{font-size:1.35rem}
iframe{width:100%;height:620px;border:1px solid #cbd5e1;border-radius:12px;background:#fff}
</style></head>
<body><main>
<h1>Hello ${escapeHtml(invite.fullName)}</h1>
<p id="invite-intro">You were invited to share your employment and income data. Link your account or upload your payslips below.</p>
<iframe id="wink" title="Smile Wink" src="/wink?${escapeHtml(widget.toString())}"></iframe>
</main></body></html>`;
}
