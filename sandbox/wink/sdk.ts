/**
 * The sandbox's `smile.v2.js`: defines `window.SmileLinkModal` with the real
 * SDK's constructor options (wink-widget.md, "Configuration parameters") and
 * its nine callbacks. `open()` shows the sandbox widget (`/wink`) in an
 * iframe on the origin that served this script; the widget reports each
 * callback with postMessage. Only the script URL differs from production.
 */
export const SMILE_LINK_SDK = String.raw`(function () {
  'use strict';
  var script = document.currentScript;
  var winkOrigin = script && script.src ? new URL(script.src).origin : window.location.origin;
  var CALLBACKS = ['onAccountCreated', 'onAccountConnected', 'onAccountRemoved', 'onTokenExpired', 'onClose',
    'onAccountError', 'onUploadsCreated', 'onUploadsRemoved', 'onUIEvent'];

  function list(value) { return Array.isArray(value) ? value.join(',') : ''; }

  function SmileLinkModal(options) {
    if (!(this instanceof SmileLinkModal)) throw new TypeError('SmileLinkModal is a constructor: use new');
    this.options = options || {};
    this.overlay = null;
    this.frame = null;
    this.handleMessage = this.handleMessage.bind(this);
  }

  SmileLinkModal.prototype.open = function () {
    if (this.overlay) return;
    var o = this.options;
    var params = new URLSearchParams({
      userToken: o.userToken || '',
      apiHost: o.apiHost || '',
      templateId: o.templateId || '',
      companyName: o.companyName || '',
      providers: list(o.providers),
      topProviders: list(o.topProviders),
      enableSearchBar: String(o.enableSearchBar !== false),
      enableTypeBar: String(o.enableTypeBar !== false),
      enableUpload: String(o.enableUpload === true),
      enableConsentPage: String(o.enableConsentPage !== false),
      parentOrigin: window.location.origin
    });
    var overlay = document.createElement('div');
    overlay.id = 'smile-link-modal';
    overlay.setAttribute('style', 'position:fixed;inset:0;background:rgba(15,23,42,.55);display:flex;align-items:center;justify-content:center;z-index:2147483647');
    var frame = document.createElement('iframe');
    frame.id = 'smile-link-frame';
    frame.title = 'Smile Wink';
    frame.src = winkOrigin + '/wink?' + params.toString();
    frame.setAttribute('style', 'width:400px;max-width:100vw;height:640px;max-height:100vh;border:0;border-radius:12px;background:#fff');
    overlay.appendChild(frame);
    document.body.appendChild(overlay);
    this.overlay = overlay;
    this.frame = frame;
    window.addEventListener('message', this.handleMessage);
  };

  SmileLinkModal.prototype.close = function () {
    if (!this.overlay) return;
    window.removeEventListener('message', this.handleMessage);
    this.overlay.remove();
    this.overlay = null;
    this.frame = null;
  };

  SmileLinkModal.prototype.handleMessage = function (event) {
    if (!this.frame || event.origin !== winkOrigin || event.source !== this.frame.contentWindow) return;
    var message = event.data;
    if (!message || message.source !== 'smile-wink' || CALLBACKS.indexOf(message.callback) < 0) return;
    var callback = this.options[message.callback];
    try {
      if (typeof callback === 'function') {
        if (message.callback === 'onTokenExpired') callback(); else callback(message.data);
      }
    } finally {
      if (message.callback === 'onClose') this.close();
    }
  };

  window.SmileLinkModal = SmileLinkModal;
})();
`;
