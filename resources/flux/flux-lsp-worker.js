/*
 * Web Worker that runs the Flux language server (@influxdata/flux-lsp-browser, WASM). It lives in a worker
 * because a Rust panic in the server is a WASM trap that cannot be caught around the call: here it ends
 * this worker only, and the page starts a new one.
 *
 * Protocol with the page (flux-lsp-client.js):
 *   page -> worker  {id, message}                      one JSON-RPC message as text; id is the page's own
 *   worker -> page  {type: 'ready'}                    the server runs
 *                   {type: 'failed', message}          the server could not be loaded (no retry helps)
 *                   {type: 'response', id, message?, error?}   what server.send() gave for message `id`
 *                   {type: 'notification', message}    a message the server sent on its own (diagnostics)
 *                   {type: 'crashed', message}         the server panicked; this worker is useless now
 *                   {type: 'log', level, text}         the server's warnings and errors
 */
'use strict';

var folder = self.location.href.replace(/[^/]*$/, '');
var dead = false;
var lastError = '';

function post(message) {
  self.postMessage(message);
}

function text(args) {
  return Array.prototype.map
    .call(args, function (a) {
      return typeof a === 'string' ? a.replace(/%c/g, '') : a instanceof Error ? a.message : String(a);
    })
    .filter(function (a) {
      return !/^(color|font-weight|background):/.test(a);
    })
    .join(' ');
}

function crash(reason) {
  if (dead) return;
  dead = true;
  var message = reason && reason.message ? reason.message : String(reason);
  post({ type: 'crashed', message: lastError ? lastError + ' (' + message + ')' : message });
}

// Traps and rejections from the server end here instead of the console; the page restarts the server.
self.addEventListener('error', function (event) {
  event.preventDefault();
  crash(event.error || event.message);
});
self.addEventListener('unhandledrejection', function (event) {
  event.preventDefault();
  crash(event.reason);
});

// The server's own logging: its INFO chatter is dropped, warnings and errors go to the page.
var serverConsole = {
  log: function () {},
  info: function () {},
  debug: function () {},
  warn: function () {
    post({ type: 'log', level: 'warn', text: text(arguments) });
  },
  error: function () {
    lastError = text(arguments).split('\n')[0];
    post({ type: 'log', level: 'error', text: text(arguments) });
  },
};

var loaded = (function () {
  var glue;
  try {
    importScripts(folder + 'generated/flux-lsp-glue.js');
    glue = self.createFluxLspGlue(serverConsole);
  } catch (e) {
    return Promise.reject(new Error('cannot load the Flux language server glue: ' + (e && e.message)));
  }
  return fetch(folder + 'generated/flux-lsp-browser_bg.wasm')
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status + ' for flux-lsp-browser_bg.wasm');
      return response.arrayBuffer();
    })
    .then(function (bytes) {
      return WebAssembly.instantiate(bytes, { './flux-lsp-browser_bg.js': glue });
    })
    .then(function (result) {
      glue.__init(result.instance.exports);
      var server = new glue.Lsp();
      server.onMessage(function (message) {
        post({ type: 'notification', message: message });
      });
      // run() lasts as long as the server; it ending means the server is gone.
      server.run().then(function () {
        crash(new Error('the Flux language server stopped'));
      }, crash);
      return server;
    });
})();

loaded.then(
  function () {
    post({ type: 'ready' });
  },
  function (e) {
    dead = true;
    post({ type: 'failed', message: e && e.message ? e.message : String(e) });
  },
);

// One message at a time, in order: a completion request must see the didChange sent before it.
function answerError(id, e) {
  // A trap inside send() is a panic too, even when it arrives as a rejection.
  if (e instanceof WebAssembly.RuntimeError) crash(e);
  post({ type: 'response', id: id, error: e && e.message ? e.message : String(e) });
}

var chain = loaded;
self.addEventListener('message', function (event) {
  var id = event.data.id;
  var message = event.data.message;
  chain = chain
    .then(function (server) {
      if (dead) throw new Error('the Flux language server is not running');
      return server.send(message);
    })
    .then(
      function (response) {
        post({ type: 'response', id: id, message: response === undefined ? null : response });
      },
      function (e) {
        answerError(id, e);
      },
    )
    .then(function () {
      return loaded;
    });
});
