/**
 * The widget's behaviour, run inside the `/wink` iframe: consent → provider
 * list → login → MFA → success, or the document upload path. Each screen
 * fires onUIEvent with the documented event name; the server's answers carry
 * the account callbacks. Everything reaches the host page by postMessage.
 */
export const WINK_PAGE_SCRIPT = String.raw`(function () {
  'use strict';
  var q = new URLSearchParams(location.search);
  var token = q.get('userToken') || '';
  var parentOrigin = q.get('parentOrigin') && q.get('parentOrigin') !== 'null' ? q.get('parentOrigin') : '*';
  var only = (q.get('providers') || '').split(',').filter(Boolean);
  var top = (q.get('topProviders') || '').split(',').filter(Boolean);
  var session = null, providerId = null, account = null, uploads = [];
  var $ = function (id) { return document.getElementById(id); };

  function emit(callback, data) {
    window.parent.postMessage({ source: 'smile-wink', callback: callback, data: data }, parentOrigin);
  }
  function ui(eventName, acct) {
    emit('onUIEvent', { eventName: eventName, eventTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), mode: 'SANDBOX',
      userId: session ? session.userId : null, account: acct || null, archive: null });
  }
  function show(screen, eventName, acct) {
    document.querySelectorAll('section').forEach(function (s) { s.hidden = s.id !== screen; });
    if (eventName) ui(eventName, acct);
  }
  function api(method, path, body) {
    return fetch('/wink/api' + path, { method: method, headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.assign({ userToken: token }, body || {})) }).then(function (r) {
      return r.json().then(function (json) {
        if (r.status === 401) { emit('onTokenExpired'); show('expired'); throw new Error('token expired'); }
        if (!r.ok) throw new Error(json.message || 'request failed');
        (json.data.callbacks || []).forEach(function (c) { emit(c.callback, c.data); });
        return json.data;
      });
    });
  }
  function fail(message) { $('error-message').textContent = message; show('error'); }

  function providerList() {
    var list = $('provider-list');
    list.textContent = '';
    var providers = session.providers.filter(function (p) { return only.length === 0 || only.indexOf(p.id) >= 0; });
    providers.sort(function (a, b) { return (top.indexOf(b.id) >= 0) - (top.indexOf(a.id) >= 0); });
    providers.forEach(function (p) {
      var button = document.createElement('button');
      button.textContent = p.name;
      button.dataset.providerId = p.id;
      button.onclick = function () { login(p); };
      list.appendChild(button);
    });
    $('upload-start').hidden = q.get('enableUpload') !== 'true';
    if (providers.length === 1) return login(providers[0]);
    show('providers', 'ProviderListPageOpened');
  }
  function login(p) {
    providerId = p.id;
    $('login-provider').textContent = p.name;
    show('login', 'LoginPageOpened', { providerId: providerId });
  }

  $('close').onclick = function () { emit('onClose', { reason: 'close' }); };
  $('consent-agree').onclick = providerList;
  $('login-form').onsubmit = function (e) {
    e.preventDefault();
    api('POST', '/login', { providerId: providerId, username: $('username').value, password: $('password').value }).then(function (d) {
      account = d.account;
      if (account.connectionStatus === 'ERROR') return fail(account.connection.errorMessage);
      show('mfa', 'MfaPageOpened', { providerId: providerId });
    }).catch(function (err) { if (err.message !== 'token expired') fail(err.message); });
  };
  $('mfa-form').onsubmit = function (e) {
    e.preventDefault();
    api('POST', '/mfa', { accountId: account.id, code: $('mfa-code').value }).then(function (d) {
      account = d.account;
      if (account.connectionStatus === 'ERROR') return fail(account.connection.errorMessage);
      show('success', 'ConnectSuccessPageOpened', { providerId: providerId, accountId: account.id });
    }).catch(function (err) { if (err.message !== 'token expired') fail(err.message); });
  };
  $('done').onclick = function () { emit('onClose', { reason: 'exit' }); };
  $('error-exit').onclick = function () { emit('onClose', { reason: 'error' }); };
  $('revoke-start').onclick = function () { show('revoke', 'AccountRevokePageOpened', { providerId: providerId, accountId: account.id }); };
  $('revoke-confirm').onclick = function () {
    api('POST', '/revoke', { accountId: account.id }).then(function () { show('providers', 'ProviderListPageOpened'); });
  };
  $('upload-start').onclick = function () { show('file-types', 'FileTypeListPageOpened'); };
  document.querySelectorAll('[data-file-type]').forEach(function (b) {
    b.onclick = function () {
      $('file-type').value = b.dataset.fileType;
      $('sample-label').hidden = b.dataset.fileType !== 'PAYSLIP';
      show('file-upload', 'FileTypePageOpened');
    };
  });
  $('upload-form').onsubmit = function (e) {
    e.preventDefault();
    var file = $('file').files[0];
    api('POST', '/uploads', { fileType: $('file-type').value, fileName: file ? file.name : 'document.pdf',
      sample: $('file-type').value === 'PAYSLIP' ? $('sample').value : undefined }).then(function (d) {
      uploads = d.uploads;
      show('archive-success', 'ArchiveSuccessPageOpened');
    }).catch(function (err) { if (err.message !== 'token expired') fail(err.message); });
  };
  $('upload-remove').onclick = function () {
    show('archive-revoke', 'RevokeArchivePageOpened');
  };
  $('upload-remove-confirm').onclick = function () {
    api('POST', '/uploads/remove', { uploadIds: uploads.map(function (u) { return u.id; }) }).then(function () { show('file-types', 'FileTypeListPageOpened'); });
  };
  $('archive-done').onclick = function () { emit('onClose', { reason: 'exit' }); };

  fetch('/wink/api/session?userToken=' + encodeURIComponent(token)).then(function (r) {
    if (r.status === 401) { emit('onTokenExpired'); show('expired'); return; }
    return r.json().then(function (json) {
      session = json.data;
      if (session.sample) $('sample').value = session.sample;
      if (q.get('enableConsentPage') === 'false' && only.length === 1) return providerList();
      show('consent', 'ConsentPageOpened');
    });
  });
})();
`;
