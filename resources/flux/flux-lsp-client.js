/*
 * The page's side of the Flux language server: starts flux-lsp-worker.js once per page, speaks JSON-RPC
 * to it, keeps the open documents so that a restarted server (after a panic) gets them again, and hands
 * diagnostics to whoever listens per document URI.
 *
 *   var lsp = IotCenterFlux.lsp();                 // the page's client, started on first use
 *   lsp.start().then(...)                          // rejects when the server cannot run here
 *   lsp.open(uri, text, onDiagnostics) / lsp.change(uri, text) / lsp.close(uri)
 *   lsp.request('textDocument/hover', params)      // the result, or rejects with the server's error
 */
(function (root) {
  'use strict';
  var FLUX = (root.IotCenterFlux = root.IotCenterFlux || {});

  var REQUEST_TIMEOUT_MS = 10000;
  /** Panics tolerated per page before the editor gives up on the server and stays plain. */
  var MAX_RESTARTS = 3;

  /** The folder this script was served from (…/resources/@iot-center/node-red/flux/), for the worker. */
  var scriptFolder = (function () {
    var current = document.currentScript && document.currentScript.src;
    if (current) return current.replace(/[^/]*$/, '');
    return 'resources/@iot-center/node-red/flux/';
  })();

  /**
   * A document URI the server accepts. The server panics on a URI without a path (`inmemory://q.flux`), so
   * every document gets `file:///<folder>/<name>.flux`, with only safe characters in each part.
   */
  FLUX.documentUri = function (folder, name) {
    var safe = function (part) {
      return String(part || '').replace(/[^A-Za-z0-9._-]/g, '_') || '_';
    };
    return 'file:///' + safe(folder) + '/' + safe(name) + '.flux';
  };

  function LspClient(workerUrl) {
    this.workerUrl = workerUrl;
    this.state = 'idle'; // idle | starting | ready | unavailable
    this.reason = '';
    this.restarts = 0;
    this.nextId = 1;
    this.pending = {}; // JSON-RPC id -> {resolve, reject, timer}
    this.documents = {}; // uri -> {text, version, onDiagnostics}
    this.listeners = []; // state listeners
    this.ready = null;
  }

  LspClient.prototype.onStateChange = function (listener) {
    var listeners = this.listeners;
    listeners.push(listener);
    return function () {
      var at = listeners.indexOf(listener);
      if (at >= 0) listeners.splice(at, 1);
    };
  };

  LspClient.prototype.setState = function (state, reason) {
    this.state = state;
    this.reason = reason || '';
    var self = this;
    this.listeners.slice().forEach(function (l) {
      l(self.state, self.reason);
    });
  };

  /** Resolves when the server is initialized; rejects (once and for all) when it cannot run. */
  LspClient.prototype.start = function () {
    if (this.ready) return this.ready;
    var self = this;
    if (typeof Worker !== 'function' || typeof WebAssembly !== 'object') {
      this.setState('unavailable', 'this browser has no Web Workers or WebAssembly');
      this.ready = Promise.reject(new Error(this.reason));
      this.ready.catch(function () {});
      return this.ready;
    }
    this.setState('starting');
    this.ready = new Promise(function (resolve, reject) {
      var worker;
      try {
        worker = new Worker(self.workerUrl);
      } catch (e) {
        reject(e);
        return;
      }
      self.worker = worker;
      worker.onmessage = function (event) {
        var data = event.data || {};
        if (data.type === 'ready') self.initialize().then(resolve, reject);
        else if (data.type === 'failed') reject(new Error(data.message));
        else if (data.type === 'crashed') self.crashed(worker, data.message);
        else self.receive(data);
      };
      worker.onerror = function (event) {
        // An error the worker could not route to us (its script did not load): the server is unavailable.
        event.preventDefault();
        reject(new Error(event.message || 'the Flux language server worker failed'));
      };
    }).then(
      function () {
        self.setState('ready');
      },
      function (e) {
        self.stopWorker();
        self.setState('unavailable', e.message);
        console.warn('iot-query: the Flux language server is not available, the editor stays plain: ' + e.message);
        throw e;
      },
    );
    this.ready.catch(function () {});
    return this.ready;
  };

  LspClient.prototype.initialize = function () {
    var self = this;
    return this.send('initialize', { processId: null, rootUri: null, capabilities: {} }, true).then(function (result) {
      self.capabilities = (result && result.capabilities) || {};
      self.post({ jsonrpc: '2.0', method: 'initialized', params: {} });
      // Documents that were open before a restart are opened again, with their latest text.
      Object.keys(self.documents).forEach(function (uri) {
        var doc = self.documents[uri];
        doc.version += 1;
        self.post({
          jsonrpc: '2.0',
          method: 'textDocument/didOpen',
          params: { textDocument: { uri: uri, languageId: 'flux', version: doc.version, text: doc.text } },
        });
      });
    });
  };

  LspClient.prototype.stopWorker = function () {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    var pending = this.pending;
    this.pending = {};
    Object.keys(pending).forEach(function (id) {
      clearTimeout(pending[id].timer);
      pending[id].reject(new Error('the Flux language server stopped'));
    });
  };

  /** The server panicked: the page goes on; a new server gets the open documents, up to MAX_RESTARTS times. */
  LspClient.prototype.crashed = function (worker, message) {
    if (worker !== this.worker) return;
    this.stopWorker();
    this.restarts += 1;
    console.warn(
      'iot-query: the Flux language server stopped (' +
        message +
        ')' +
        (this.restarts <= MAX_RESTARTS ? '; restarting it' : ''),
    );
    this.ready = null;
    if (this.restarts > MAX_RESTARTS) {
      this.ready = Promise.reject(new Error('the Flux language server stopped too often'));
      this.ready.catch(function () {});
      this.setState('unavailable', 'the Flux language server stopped too often');
      return;
    }
    this.start();
  };

  LspClient.prototype.post = function (message) {
    if (this.worker) this.worker.postMessage({ id: 0, message: JSON.stringify(message) });
  };

  /** A JSON-RPC request; `early` is for `initialize`, which goes out before the client is ready. */
  LspClient.prototype.send = function (method, params, early) {
    var self = this;
    var go = function () {
      return new Promise(function (resolve, reject) {
        if (!self.worker) return reject(new Error('the Flux language server is not running'));
        var id = self.nextId++;
        var timer = setTimeout(function () {
          delete self.pending[id];
          reject(new Error(method + ' timed out'));
        }, REQUEST_TIMEOUT_MS);
        self.pending[id] = { resolve: resolve, reject: reject, timer: timer };
        self.worker.postMessage({
          id: id,
          message: JSON.stringify({ jsonrpc: '2.0', id: id, method: method, params: params }),
        });
      });
    };
    return early ? go() : this.start().then(go);
  };

  LspClient.prototype.request = function (method, params) {
    return this.send(method, params, false);
  };

  LspClient.prototype.receive = function (data) {
    if (data.type === 'log') {
      console.warn('iot-query: Flux language server: ' + data.text);
      return;
    }
    if (data.type === 'response') {
      var waiting = this.pending[data.id];
      if (!waiting) return;
      delete this.pending[data.id];
      clearTimeout(waiting.timer);
      if (data.error) return waiting.reject(new Error(data.error));
      var reply = data.message ? JSON.parse(data.message) : {};
      if (reply.error)
        return waiting.reject(new Error(reply.error.message || 'the Flux language server refused the request'));
      return waiting.resolve(reply.result === undefined ? null : reply.result);
    }
    if (data.type === 'notification') {
      var message = JSON.parse(data.message);
      if (message.method === 'textDocument/publishDiagnostics' && message.params) {
        var doc = this.documents[message.params.uri];
        if (doc && doc.onDiagnostics) doc.onDiagnostics(message.params.diagnostics || []);
      }
    }
  };

  LspClient.prototype.open = function (uri, text, onDiagnostics) {
    this.documents[uri] = { text: text, version: 1, onDiagnostics: onDiagnostics };
    var self = this;
    // While the server starts, the document waits in `documents`; initialize() opens it.
    if (this.state === 'ready')
      this.post({
        jsonrpc: '2.0',
        method: 'textDocument/didOpen',
        params: { textDocument: { uri: uri, languageId: 'flux', version: 1, text: text } },
      });
    else this.start().catch(function () {});
    return self;
  };

  LspClient.prototype.change = function (uri, text) {
    var doc = this.documents[uri];
    if (!doc) return;
    doc.text = text;
    doc.version += 1;
    if (this.state === 'ready')
      this.post({
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: { textDocument: { uri: uri, version: doc.version }, contentChanges: [{ text: text }] },
      });
  };

  LspClient.prototype.close = function (uri) {
    if (!this.documents[uri]) return;
    delete this.documents[uri];
    if (this.state === 'ready')
      this.post({ jsonrpc: '2.0', method: 'textDocument/didClose', params: { textDocument: { uri: uri } } });
  };

  LspClient.prototype.isOpen = function (uri) {
    return Object.prototype.hasOwnProperty.call(this.documents, uri);
  };

  var client = null;
  /** The page's one client; the worker (and its 3.7 MB of WASM) is loaded when a Flux editor first opens. */
  FLUX.lsp = function () {
    if (!client) client = new LspClient(FLUX.workerUrl || scriptFolder + 'flux-lsp-worker.js');
    return client;
  };
  FLUX.LspClient = LspClient;
})(self);
