/*
 * The Flux editor of the iot-query dialog: Monaco with the Flux language, the Flux language server
 * (completion, hover, signature help, live diagnostics), schema-aware completion, a Format button and a
 * Run button that shows the first rows (or InfluxDB's error at its line). With Ace, or when the server's
 * WASM cannot load, it is a plain editor that still runs queries.
 *
 *   var flux = IotCenterFluxEditor.open('node-input-flux-editor', text, {
 *     nodeId, configNode: () => id, parameters: () => ({bucket: 'b'}), i18n: (key) => text });
 *   flux.getValue(); flux.destroy();   // destroy() on save and on cancel: editors and models go with it
 */
(function (root) {
  'use strict';
  var FLUX = (root.IotCenterFlux = root.IotCenterFlux || {});

  /** Rows "Run" asks for: enough to check a query, few enough for a dialog. */
  var RUN_ROW_LIMIT = 100;

  // Used when the caller gives no message catalog (iot-query passes its locale texts through options.i18n).
  var ENGLISH = {
    format: 'Format',
    run: 'Run',
    running: 'running…',
    rows: '__count__ rows in __ms__ ms',
    truncated: 'the first __count__ rows (more not shown), __ms__ ms',
    noRows: 'no rows',
    at: 'line __line__, column __column__: ',
    lspStarting: 'Flux language server starting…',
    lspReady: 'Flux language server ready',
    lspUnavailable: 'plain editor: the Flux language server is not available (__reason__)',
    formatFailed: 'cannot format: __message__',
    expand: 'Full screen (Esc to leave)',
    collapse: 'Leave full screen (Esc)',
    noConfig: 'choose and deploy an InfluxDB config node first',
  };

  function fill(text, values) {
    return text.replace(/__(\w+)__/g, function (all, name) {
      return values && values[name] !== undefined ? String(values[name]) : all;
    });
  }

  function usesMonaco() {
    var chosen = root.RED && RED.editor && RED.editor.codeEditor && RED.editor.codeEditor.editor;
    return !!(chosen && chosen.type === 'monaco' && root.monaco && monaco.languages);
  }

  /** The error of a request that failed at the HTTP level (the endpoints answer query errors with 200 {error}). */
  function ajaxError(xhr) {
    var body = xhr.responseJSON;
    if (body && body.error && body.error.message) return body.error;
    return {
      message: xhr.status
        ? 'HTTP ' + xhr.status + ' ' + (xhr.statusText || '')
        : xhr.statusText || 'no answer from Node-RED',
    };
  }

  function renderRows(container, result) {
    var table = $('<table class="iot-query-flux-rows">').appendTo(container);
    var head = $('<tr>').appendTo($('<thead>').appendTo(table));
    result.columns.forEach(function (c) {
      $('<th>').text(c).appendTo(head);
    });
    var body = $('<tbody>').appendTo(table);
    result.rows.forEach(function (row) {
      var tr = $('<tr>').appendTo(body);
      row.forEach(function (cell) {
        $('<td>')
          .text(
            cell === null || cell === undefined ? '' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell),
          )
          .appendTo(tr);
      });
    });
  }

  // Theme variables, not fixed colours: Node-RED themes (and 5.0's dark mode) restyle the dialog.
  var STYLE =
    '.iot-query-flux-toolbar{display:flex;gap:6px;align-items:center;margin-bottom:4px}' +
    '.iot-query-flux-lsp{margin-left:auto;font-size:0.85em;color:var(--red-ui-secondary-text-color,#888)}' +
    '.iot-query-flux-results{margin-top:6px;max-height:220px;overflow:auto;font-size:0.9em}' +
    '.iot-query-flux-error{color:var(--red-ui-text-color-error,#b94a48);white-space:pre-wrap}' +
    '.iot-query-flux-rows{border-collapse:collapse;font-family:monospace}' +
    '.iot-query-flux-rows th,.iot-query-flux-rows td{border:1px solid var(--red-ui-secondary-border-color,#ddd);padding:1px 6px;text-align:left;white-space:nowrap}' +
    // Full screen, as Node-RED's own code editors expand: the editor takes the window until Esc or the button.
    '.iot-query-flux-fullscreen{position:fixed;top:0;left:0;right:0;bottom:0;z-index:2000;margin:0;padding:10px;' +
    'display:flex;flex-direction:column;background:var(--red-ui-primary-background,#fff)}' +
    '.iot-query-flux-fullscreen .node-text-editor{flex:1 1 auto;height:auto!important;min-height:0}' +
    '.iot-query-flux-fullscreen .iot-query-flux-results{max-height:30vh}';

  function addStyle() {
    if (document.getElementById('iot-query-flux-style')) return;
    $('<style id="iot-query-flux-style">').text(STYLE).appendTo('head');
  }

  function open(id, value, options) {
    options = options || {};
    // options.i18n(key, values) gives the node's message catalog text, or nothing for the English default.
    var text = function (key, values) {
      return (options.i18n && options.i18n(key, values || {})) || fill(ENGLISH[key], values);
    };
    addStyle();
    var host = $('#' + id);
    var monacoMode = usesMonaco() && FLUX.registerLanguage(monaco);
    var destroyed = false;
    var requests = [];

    var toolbar = $('<div class="iot-query-flux-toolbar">').insertBefore(host);
    var formatButton = $('<button type="button" class="red-ui-button red-ui-button-small iot-query-flux-format">')
      .text(text('format'))
      .appendTo(toolbar);
    var runButton = $('<button type="button" class="red-ui-button red-ui-button-small iot-query-flux-run">')
      .append('<i class="fa fa-play"></i> ')
      .append($('<span>').text(text('run')))
      .appendTo(toolbar);
    var lspStatus = $('<span class="iot-query-flux-lsp">').appendTo(toolbar);
    var expandButton = $('<button type="button" class="red-ui-button red-ui-button-small iot-query-flux-expand">')
      .attr('title', text('expand'))
      .append('<i class="fa fa-expand"></i>')
      .appendTo(toolbar);
    var results = $('<div class="iot-query-flux-results">').insertAfter(host);

    var editor = RED.editor.createEditor({
      id: id,
      mode: monacoMode ? 'flux' : 'ace/mode/text',
      value: value || '',
      // No inline (ghost text) completions here; Monaco's inline-completion model otherwise follows the
      // suggestion list and reads the model while the dialog disposes it.
      inlineSuggest: { enabled: false },
      // A dialog's few lines of Flux need the width more than an overview; long pipelines wrap.
      minimap: { enabled: false },
      wordWrap: 'on',
    });
    var binding = null;
    var detachSchema = null;
    var stopStateWatch = null;
    var schemaCache = {};

    function fetchSchema(request) {
      var config = options.configNode ? options.configNode() : '';
      if (!config || config === '_ADD_') return Promise.resolve([]);
      var query = { config: config, kind: request.kind };
      ['bucket', 'measurement', 'tag'].forEach(function (k) {
        if (request[k]) query[k] = request[k];
      });
      var key = JSON.stringify(query);
      if (!schemaCache[key]) {
        schemaCache[key] = new Promise(function (resolve) {
          var xhr = $.ajax({ url: 'iot-query/schema', data: query, dataType: 'json' });
          requests.push(xhr);
          // A failed list is an empty one: completion must never get in the way of typing.
          xhr
            .done(function (names) {
              resolve(Array.isArray(names) ? names : []);
            })
            .fail(function () {
              resolve([]);
            });
        });
      }
      return schemaCache[key];
    }

    function showLspState(state, reason) {
      toolbar.attr('data-lsp-state', state);
      formatButton.prop('disabled', state !== 'ready');
      if (state === 'ready') lspStatus.text(text('lspReady'));
      else if (state === 'unavailable') lspStatus.text(text('lspUnavailable', { reason: reason }));
      else lspStatus.text(text('lspStarting'));
      formatButton.attr('title', state === 'unavailable' ? reason : '');
    }

    if (monacoMode) {
      FLUX.registerSchemaCompletion(monaco);
      detachSchema = FLUX.attachSchema(editor.getModel(), {
        fetch: fetchSchema,
        bucket: function () {
          var params = options.parameters ? options.parameters() : {};
          return params.bucket || '';
        },
      });
      binding = FLUX.bindEditor(monaco, editor, { folder: 'iot-query-' + (options.nodeId || 'node') });
      var lsp = FLUX.lsp();
      showLspState(lsp.state === 'idle' ? 'starting' : lsp.state, lsp.reason);
      stopStateWatch = lsp.onStateChange(showLspState);
      lsp.start().catch(function () {});
    } else {
      toolbar.attr('data-lsp-state', 'off');
      formatButton.hide();
    }

    formatButton.on('click', function (e) {
      e.preventDefault();
      if (!binding) return;
      binding.format().catch(function (err) {
        if (!destroyed) RED.notify(text('formatFailed', { message: err.message }), 'warning');
      });
    });

    var runMarkers = false;
    function clearRunMarker() {
      if (runMarkers && monacoMode && !editor.getModel().isDisposed())
        monaco.editor.setModelMarkers(editor.getModel(), 'flux-run', []);
      runMarkers = false;
    }
    var runChanges = monacoMode ? editor.getModel().onDidChangeContent(clearRunMarker) : null;

    function showRunError(error) {
      results.empty().attr('data-state', 'error');
      var where = error.line ? text('at', { line: error.line, column: error.column }) : '';
      $('<div class="iot-query-flux-error">')
        .text(where + error.message)
        .appendTo(results);
      if (error.line && monacoMode) {
        monaco.editor.setModelMarkers(editor.getModel(), 'flux-run', [
          {
            severity: monaco.MarkerSeverity.Error,
            message: error.message,
            startLineNumber: error.line,
            startColumn: error.column,
            endLineNumber: error.endLine || error.line,
            endColumn: Math.max(error.endColumn || error.column, error.column + 1),
          },
        ]);
        runMarkers = true;
        editor.revealLineInCenterIfOutsideViewport(error.line);
      } else if (error.line) {
        editor.gotoLine(error.line, error.column - 1);
      }
    }

    runButton.on('click', function (e) {
      e.preventDefault();
      clearRunMarker();
      var config = options.configNode ? options.configNode() : '';
      if (!config || config === '_ADD_') return showRunError({ message: text('noConfig') });
      results.empty().attr('data-state', 'running').text(text('running'));
      runButton.prop('disabled', true);
      var started = Date.now();
      var xhr = $.ajax({
        url: 'iot-query/run',
        type: 'POST',
        contentType: 'application/json',
        dataType: 'json',
        data: JSON.stringify({
          config: config,
          flux: editor.getValue(),
          parameters: options.parameters ? options.parameters() : {},
          limit: RUN_ROW_LIMIT,
        }),
      });
      requests.push(xhr);
      xhr
        .done(function (result) {
          if (destroyed) return;
          if (result.error) return showRunError(result.error);
          results.empty().attr('data-state', 'rows');
          var ms = Date.now() - started;
          var summary =
            result.rows.length === 0
              ? text('noRows')
              : text(result.truncated ? 'truncated' : 'rows', { count: result.rows.length, ms: ms });
          $('<div class="iot-query-flux-summary">').text(summary).appendTo(results);
          if (result.rows.length > 0) renderRows(results, result);
        })
        .fail(function (failed) {
          if (!destroyed && failed.statusText !== 'abort') showRunError(ajaxError(failed));
        })
        .always(function () {
          if (!destroyed) runButton.prop('disabled', false);
        });
    });

    var frame = host.parent();
    var beforeFullscreen = null;
    function relayout() {
      if (editor.layout) editor.layout();
      else if (editor.resize) editor.resize();
    }
    function setFullscreen(on) {
      if (on === frame.hasClass('iot-query-flux-fullscreen')) return;
      if (on) beforeFullscreen = host.css('height');
      frame.toggleClass('iot-query-flux-fullscreen', on);
      if (!on && beforeFullscreen) host.css('height', beforeFullscreen);
      expandButton.find('i').toggleClass('fa-expand', !on).toggleClass('fa-compress', on);
      expandButton.attr('title', text(on ? 'collapse' : 'expand'));
      relayout();
      if (editor.focus) editor.focus();
    }
    expandButton.on('click', function (e) {
      e.preventDefault();
      setFullscreen(!frame.hasClass('iot-query-flux-fullscreen'));
    });
    // Esc leaves full screen first (and only that: the dialog stays open).
    function onKey(e) {
      if (e.key === 'Escape' && frame.hasClass('iot-query-flux-fullscreen')) {
        e.preventDefault();
        e.stopPropagation();
        setFullscreen(false);
      }
    }
    document.addEventListener('keydown', onKey, true);

    return {
      /** The Monaco (or Ace) editor, for tests and resizing. */
      editor: editor,
      getValue: function () {
        return editor.getValue();
      },
      resize: relayout,
      destroy: function () {
        if (destroyed) return;
        destroyed = true;
        document.removeEventListener('keydown', onKey, true);
        frame.removeClass('iot-query-flux-fullscreen');
        requests.forEach(function (r) {
          r.abort();
        });
        if (stopStateWatch) stopStateWatch();
        if (runChanges) runChanges.dispose();
        clearRunMarker();
        if (detachSchema) detachSchema();
        if (binding) binding.dispose();
        if (monacoMode) {
          editor.trigger('iot-query', 'hideSuggestWidget', {});
          // Detach the model before disposing it: Node-RED's destroy() disposes the model while the editor
          // still shows it, and Monaco features observing the model then read it ("Model is disposed!").
          var model = editor.getModel();
          editor.setModel(null);
          if (model && !model.isDisposed()) model.dispose();
        }
        editor.destroy();
        toolbar.remove();
        results.remove();
      },
    };
  }

  root.IotCenterFluxEditor = { open: open };
})(self);
