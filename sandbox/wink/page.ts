import { WINK_PAGE_SCRIPT } from './page-script.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sandbox Wink widget (`GET /wink`), shown by SmileLinkModal in an iframe. */
export function winkPage(companyName: string): string {
  const company = escapeHtml(companyName || 'This service');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Smile Wink (sandbox)</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:1.25rem;color:#0f172a}
header{display:flex;justify-content:space-between;align-items:center;margin-bottom:1rem}
header b{color:#e11d48}#close{border:0;background:none;font-size:1.5rem;cursor:pointer}
button,input,select{font:inherit}section button,input[type=submit]{display:block;width:100%;margin:.4rem 0;padding:.6rem;border-radius:8px;border:1px solid #cbd5e1;background:#f8fafc;cursor:pointer}
select{display:block;width:100%;padding:.5rem;margin:.25rem 0 .75rem}#sample-label{display:block;margin-top:.75rem}input[type=text],input[type=password],input[type=email]{box-sizing:border-box;width:100%;padding:.55rem;margin:.25rem 0 .75rem;border:1px solid #cbd5e1;border-radius:8px}
.primary,input[type=submit]{background:#e11d48;color:#fff;border-color:#e11d48}small{color:#64748b}
</style></head>
<body>
<header><span><b>Smile</b> Wink · sandbox</span><button id="close" aria-label="Close">×</button></header>
<section id="loading"><p>Loading…</p></section>
<section id="consent" hidden><h2>Link your employment data</h2>
<p>${company} uses Smile to verify your identity and employment with your consent.</p><button id="consent-agree" class="primary">I agree</button></section>
<section id="providers" hidden><h2>Select your provider</h2><div id="provider-list"></div><button id="upload-start">Upload documents instead</button></section>
<section id="login" hidden><h2>Log in to <span id="login-provider"></span></h2>
<form id="login-form"><label>Username or email<input id="username" type="text" autocomplete="username" required></label>
<label>Password<input id="password" type="password" autocomplete="current-password" required></label><input id="login-submit" type="submit" value="Connect"></form>
<small>Sandbox users are listed on the sandbox's front page.</small></section>
<section id="mfa" hidden><h2>Verification code</h2><form id="mfa-form"><label>Code sent to your phone<input id="mfa-code" type="text" inputmode="numeric" required></label>
<input id="mfa-submit" type="submit" value="Verify"></form><small>Sandbox code: 1234</small></section>
<section id="success" hidden><h2>Connected</h2><p>Your account is linked.</p><button id="done" class="primary">Done</button><button id="revoke-start">Disconnect this account</button></section>
<section id="revoke" hidden><h2>Disconnect?</h2><p>Smile will delete the data of this account.</p><button id="revoke-confirm">Disconnect</button></section>
<section id="error" hidden><h2>Something went wrong</h2><p id="error-message"></p><button id="error-exit">Exit</button></section>
<section id="expired" hidden><h2>Session expired</h2><p>Please start again.</p></section>
<section id="file-types" hidden><h2>What will you upload?</h2>
<button data-file-type="PAYSLIP">Payslip</button><button data-file-type="SSS_RECORD">SSS contribution record</button><button data-file-type="EMPLOYMENT_CERTIFICATE">Certificate of employment</button></section>
<section id="file-upload" hidden><h2>Upload</h2><form id="upload-form"><input id="file-type" type="hidden"><input id="file" type="file">
<label id="sample-label">Sandbox file holds<select id="sample"><option value="maria">Maria Clara Santos's last six payslips</option><option value="george">George Palomero's payslips</option><option value="not-a-payslip">something that is no payslip</option></select></label>
<input id="upload-submit" type="submit" value="Submit"></form><small>In the sandbox the file's contents are chosen above; Smile reads them from the file.</small></section>
<section id="archive-success" hidden><h2>Uploaded</h2><p>We are analysing your document.</p><button id="archive-done" class="primary">Done</button><button id="upload-remove">Remove upload</button></section>
<section id="archive-revoke" hidden><h2>Remove upload?</h2><button id="upload-remove-confirm">Remove</button></section>
<script>${WINK_PAGE_SCRIPT}</script>
</body></html>`;
}
