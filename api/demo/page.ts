/**
 * The demo onboarding page: what an integrator's front end does, in
 * one file of plain HTML and JavaScript. It holds no API key: it starts a
 * verification through the demo's back end (api/routes/demo.ts, which plays the
 * integrator's server), opens the Wink widget with the link token, forwards
 * every widget callback to the public API with the verification's widget token,
 * refreshes the link token when the widget says it expired, and shows the live
 * status document until the decision, then links to the report. A verification
 * started with "review REVIEW outcomes" waits IN_REVIEW on a REVIEW outcome: the
 * page then offers Approve / Decline, sent through the demo's back end.
 */
export interface DemoPageOptions {
  widgetScriptUrl: string;
  linkApiHost: string;
  applicant: { fullName: string };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function demoPage({ widgetScriptUrl, linkApiHost, applicant }: DemoPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>smile-verify demo</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1d2433; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
  label { display: block; margin: .4rem 0; } input[type=checkbox] { width: auto; margin-right: .4rem; } input { width: 100%; padding: .35rem; font: inherit; box-sizing: border-box; }
  button { font: inherit; padding: .45rem 1rem; margin: .6rem .4rem 0 0; cursor: pointer; } button:disabled { cursor: default; opacity: .5; }
  #review-actions button { margin-top: 0; padding: .2rem .8rem; }
  dl { display: grid; grid-template-columns: 10rem 1fr; gap: .2rem .8rem; } dt { color: #5b6475; }
  .badge { display: inline-block; padding: .05rem .5rem; border-radius: .3rem; background: #e8ecf3; font-weight: 600; }
  .APPROVED { background: #d5f5df; } .DECLINED { background: #fbd9d9; } .REVIEW { background: #fdf0cc; }
  #problem { color: #a11; white-space: pre-wrap; } #log { font: 12px/1.4 ui-monospace, monospace; background: #f5f7fa; padding: .5rem; max-height: 12rem; overflow: auto; }
</style>
</head>
<body>
<h1>smile-verify demo</h1>
<p>Start a verification, link an account in the Wink widget (sandbox: <code>gpalomero1234@smileapi.io</code> / <code>123456</code>, code <code>1234</code>), and watch the workflow decide.</p>
<form id="start-form">
  <label>Your user id (externalUserId) <input id="external-user-id" required pattern="[A-Za-z0-9._:@\\-]{1,128}"></label>
  <label>Applicant's full name <input id="full-name" value="${escapeHtml(applicant.fullName)}"></label>
  <label><input id="review-enabled" type="checkbox">Review REVIEW outcomes (policy.review.enabled: a person approves or declines; try <code>ryan1234@smileapi.io</code> / <code>654321</code> as Ryan Ng)</label>
  <label><input id="invite-enabled" type="checkbox">Invite by email: Smile sends the applicant a hosted link (the sandbox shows its landing page below) <input id="invite-email" type="email" placeholder="applicant@example.com" value="gpalomero1234@smileapi.io"></label>
  <button id="start" type="submit">Start verification</button>
  <button id="link" type="button" disabled>Link your account</button>
  <button id="cancel" type="button" disabled>Cancel</button>
</form>
<p id="problem" role="alert"></p>
<h2>Verification</h2>
<dl>
  <dt>Id</dt><dd id="verification-id">–</dd>
  <dt>Status</dt><dd><span id="status" class="badge">–</span></dd>
  <dt>Step</dt><dd id="stage">–</dd>
  <dt>Invite</dt><dd id="invite">–</dd>
  <dt>Accounts</dt><dd id="accounts">–</dd>
  <dt>Uploads</dt><dd id="documents">–</dd>
  <dt>Widget screens</dt><dd id="widget-screens">–</dd>
  <dt>Data</dt><dd id="datapoints">–</dd>
  <dt>Decision</dt><dd><span id="decision" class="badge">–</span></dd>
  <dt>Reasons</dt><dd><ul id="reasons"></ul></dd>
  <dt>Review</dt><dd><span id="review">–</span><span id="review-actions" hidden> <button id="approve" type="button">Approve</button><button id="decline" type="button">Decline</button></span></dd>
  <dt>Report</dt><dd id="report"><span id="report-none">after the decision</span><span id="report-links" hidden><a id="report-html" href="#">printable page</a> · <a id="report-pdf" href="#">PDF</a> · <a id="report-json" href="#">JSON</a></span></dd>
</dl>
<h2>Widget callbacks forwarded</h2>
<div id="log"></div>
<script src="${escapeHtml(widgetScriptUrl)}"></script>
<script>
(function () {
  var LINK_API_HOST = ${json(linkApiHost)};
  var TERMINAL = ['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'];
  var CALLBACKS = ['onAccountCreated', 'onAccountConnected', 'onAccountRemoved', 'onAccountError', 'onTokenExpired', 'onClose', 'onUploadsCreated', 'onUploadsRemoved', 'onUIEvent'];
  var $ = function (id) { return document.getElementById(id); };
  var verification = null, widgetToken = null, link = null, modal = null, polling = null;
  $('external-user-id').value = 'demo-' + Math.random().toString(36).slice(2, 10);

  // The demo's back end under /demo, and /v1 for widget callbacks: both with the widget token, never an API key.
  function api(method, path, body) {
    return fetch(path, {
      method: method,
      headers: Object.assign(widgetToken ? { authorization: 'Bearer ' + widgetToken } : {}, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error((data.title || response.status) + (data.detail ? ': ' + data.detail : ''));
        return data;
      });
    });
  }
  function problem(error) { $('problem').textContent = error ? String(error.message || error) : ''; }
  function log(line) { var row = document.createElement('div'); row.textContent = new Date().toLocaleTimeString() + '  ' + line; $('log').prepend(row); }

  function show(doc) {
    $('status').textContent = doc.status;
    $('stage').textContent = doc.stage;
    $('accounts').textContent = doc.accounts.length ? doc.accounts.map(function (a) { return a.providerId + ' ' + a.status + (a.errorCode ? ' (' + a.errorCode + ')' : ''); }).join(', ') : 'none yet';
    $('datapoints').textContent = Object.keys(doc.datapoints).map(function (k) { return k + ' ' + doc.datapoints[k].toLowerCase(); }).join(', ');
    if (doc.decision) {
      $('decision').textContent = doc.decision.outcome;
      $('decision').className = 'badge ' + doc.decision.outcome;
      var reasons = doc.decision.reasons.length ? doc.decision.reasons.map(function (r) { return r.code + (r.result === 'cannot_judge' ? ' (cannot judge)' : '') + ': ' + r.message; }) : ['none: every rule passed'];
      $('report-none').hidden = true;
      $('report-links').hidden = false;
      $('reasons').replaceChildren.apply($('reasons'), reasons.map(function (text) { var li = document.createElement('li'); li.textContent = text; return li; }));
    } else if (doc.failure) {
      $('decision').textContent = doc.failure.code;
    }
    $('review').textContent = doc.review ? (doc.review.status === 'RESOLVED' ? doc.review.outcome + ' by ' + doc.review.reviewer + ' (engine: ' + doc.decision.automatedOutcome + ')' : 'EXPIRED: nobody reviewed in time') : doc.status === 'IN_REVIEW' ? 'waiting for a reviewer' : '–';
    $('review-actions').hidden = doc.status !== 'IN_REVIEW';
    if (doc.invite) {
      var anchor = document.createElement('a');
      anchor.id = 'invite-link';
      anchor.href = doc.invite.url;
      anchor.target = '_blank';
      anchor.textContent = 'landing page';
      $('invite').replaceChildren(document.createTextNode(doc.invite.status + ' · '), anchor);
    }
    $('documents').textContent = doc.documents && doc.documents.length ? doc.documents.length + ' uploaded (' + doc.documents.map(function (d) { return d.status; }).join(', ') + ')' : '–';
    $('widget-screens').textContent = doc.widget ? doc.widget.screens.map(function (s) { return s.name; }).join(' → ') + ' (last: ' + doc.widget.lastScreen + ')' : '–';
    var done = TERMINAL.indexOf(doc.status) >= 0;
    $('link').disabled = done;
    $('cancel').disabled = done;
    if (done) clearInterval(polling);
  }
  var mine = function (suffix) { return '/demo/verifications/' + encodeURIComponent(verification) + (suffix || ''); };
  // The report comes through the demo's back end too, with the widget token; the page opens what came back.
  function openReport(accept) {
    return function (event) {
      event.preventDefault();
      var opened = window.open('', '_blank');
      fetch(mine('/report'), { headers: { authorization: 'Bearer ' + widgetToken, accept: accept } }).then(function (response) {
        if (!response.ok) return response.json().then(function (data) { throw new Error(data.title + (data.detail ? ': ' + data.detail : '')); });
        return response.blob();
      }).then(function (blob) { opened.location.href = URL.createObjectURL(blob); }, function (error) { opened.close(); problem(error); });
    };
  }
  $('report-html').addEventListener('click', openReport('text/html'));
  $('report-pdf').addEventListener('click', openReport('application/pdf'));
  $('report-json').addEventListener('click', openReport('application/json'));
  function refresh() { return api('GET', mine()).then(show, problem); }

  // Every callback goes to the API as it happens: the workflow treats them as hints next to Smile's webhooks.
  function forward(name) {
    return function (data) {
      log(name + (data && data.eventName ? ' ' + data.eventName : ''));
      api('POST', '/v1/verifications/' + encodeURIComponent(verification) + '/widget-events', { callback: name, data: data || {} }).catch(problem);
      if (name === 'onTokenExpired') freshToken().then(openWidget, problem);
      if (name === 'onClose' || name === 'onAccountConnected') refresh();
    };
  }
  function freshToken() { return api('POST', mine('/link-token')).then(function (l) { link = l; widgetToken = l.widgetToken; }); }
  function openWidget() {
    // The upload path too: a user without a linkable account may upload payslips instead.
    var options = { apiHost: LINK_API_HOST, userToken: link.userToken, companyName: 'smile-verify demo', topProviders: [], enableUpload: true };
    CALLBACKS.forEach(function (name) { options[name] = forward(name); });
    modal = new SmileLinkModal(options);
    modal.open();
  }

  $('start-form').addEventListener('submit', function (event) {
    event.preventDefault();
    problem();
    var fullName = $('full-name').value.trim();
    var policy = $('review-enabled').checked ? { review: { enabled: true } } : undefined;
    var invite = $('invite-enabled').checked ? { email: $('invite-email').value.trim() } : undefined;
    api('POST', '/demo/verifications', { externalUserId: $('external-user-id').value, applicant: fullName ? { fullName: fullName } : undefined, policy: policy, invite: invite }).then(function (started) {
      verification = started.verificationId;
      widgetToken = started.widgetToken;
      link = started.link;
      $('verification-id').textContent = verification;
      $('start').disabled = true;
      $('link').disabled = false;
      $('cancel').disabled = false;
      clearInterval(polling);
      polling = setInterval(refresh, 1000);
      return refresh();
    }).catch(problem);
  });
  // The token from the start may be old by the time the user clicks: ask for a valid one (the API reuses it while fresh).
  $('link').addEventListener('click', function () { problem(); freshToken().then(openWidget).catch(problem); });
  $('cancel').addEventListener('click', function () { api('POST', mine('/cancel')).then(refresh, problem); });
  // The review answers the closed document once the run has applied it.
  function sendReview(outcome) { return function () { problem(); api('POST', mine('/review'), { outcome: outcome }).then(show, problem); }; }
  $('approve').addEventListener('click', sendReview('APPROVED'));
  $('decline').addEventListener('click', sendReview('DECLINED'));
})();
</script>
</body>
</html>
`;
}
