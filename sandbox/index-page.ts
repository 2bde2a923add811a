/** The sandbox's front page: what an integrator needs to start trying it. */
export function indexPage({ apiKey, apiSecret }: { apiKey: string; apiSecret: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Smile sandbox</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .25rem}td,th{padding:.25rem .75rem;text-align:left}</style>
</head><body>
<h1>Smile sandbox</h1>
<p>A local emulator of the Smile API (<code>/v1</code>), in Smile's own shapes and envelope.</p>
<h2>Credentials</h2>
<p>Basic auth: <code>${apiKey}</code> : <code>${apiSecret}</code>
(<code>curl -u ${apiKey}:${apiSecret} -X POST http://127.0.0.1:3100/v1/users</code>)</p>
<h2>Endpoints</h2>
<table><tr><th>POST</th><td><code>/v1/users</code></td><td>a user and its link token (5 hours)</td></tr>
<tr><th>GET</th><td><code>/v1/users/:id</code></td><td>one user</td></tr>
<tr><th>POST</th><td><code>/v1/tokens?userId=</code></td><td>a fresh link token</td></tr></table>
</body></html>`;
}
