/*
 * Monaco <-> Flux language server: completion, hover, signature help and formatting providers for the
 * `flux` language (registered once per page), and a binding per editor that keeps the server's copy of
 * the text current and shows its diagnostics as markers with owner `flux` (the owner Node-RED's
 * getAnnotations() reads, since it equals the language id).
 *
 *   var binding = IotCenterFlux.bindEditor(monaco, editor, {folder: nodeId});
 *   binding.format()     // formats through the server; rejects with the parser's message on bad Flux
 *   binding.dispose()    // closes the document and removes the markers; call before editor.destroy()
 */
(function (root) {
  'use strict';
  var FLUX = (root.IotCenterFlux = root.IotCenterFlux || {});

  /** Model URI -> binding, so that page-wide providers find the server document of a model. */
  var bindings = {};

  /** The record `params.<name>` reads in iot-query's Flux; declared to the server so it is not "undefined". */
  var PARAMS_PRELUDE = 'params = {bucket: "", deviceId: "", range: -1h, every: 1m, fields: [""]}\n';
  var DEFINES_PARAMS = /^\s*params\s*=/m;

  // LSP CompletionItemKind (1-based) -> Monaco CompletionItemKind name.
  var KIND_NAMES = [
    null,
    'Text',
    'Method',
    'Function',
    'Constructor',
    'Field',
    'Variable',
    'Class',
    'Interface',
    'Module',
    'Property',
    'Unit',
    'Value',
    'Enum',
    'Keyword',
    'Snippet',
    'Color',
    'File',
    'Reference',
    'Folder',
    'EnumMember',
    'Constant',
    'Struct',
    'Event',
    'Operator',
    'TypeParameter',
  ];
  // LSP DiagnosticSeverity -> Monaco MarkerSeverity name.
  var SEVERITY_NAMES = [null, 'Error', 'Warning', 'Info', 'Hint'];

  function toPosition(position) {
    return { line: position.lineNumber - 1, character: position.column - 1 };
  }

  function toRange(monaco, range) {
    return new monaco.Range(
      range.start.line + 1,
      range.start.character + 1,
      range.end.line + 1,
      range.end.character + 1,
    );
  }

  function markdown(contents) {
    if (!contents) return [];
    var list = Array.isArray(contents) ? contents : [contents];
    return list.map(function (c) {
      if (typeof c === 'string') return { value: '```flux\n' + FLUX.formatType(c) + '\n```' };
      if (c.kind === 'markdown' || c.kind === 'plaintext') return { value: c.value };
      return { value: '```' + (c.language || 'flux') + '\n' + FLUX.formatType(c.value) + '\n```' };
    });
  }

  function bindingOf(model) {
    return model && bindings[model.uri.toString()];
  }

  /** The server's answer for a model, or `empty` when the model is not bound or the server fails. */
  function ask(model, method, params, empty) {
    var binding = bindingOf(model);
    if (!binding || binding.disposed) return Promise.resolve(empty);
    binding.sync();
    params.textDocument = { uri: binding.uri };
    return binding.client.request(method, params).then(
      function (result) {
        // The dialog may have closed while the server answered: a disposed model must not be read.
        if (binding.disposed || model.isDisposed()) return empty;
        return result === null || result === undefined ? empty : result;
      },
      function () {
        return empty;
      },
    );
  }

  function completionItems(monaco, model, position, items) {
    var word = model.getWordUntilPosition(position);
    var range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
    var kinds = monaco.languages.CompletionItemKind;
    return items.map(function (item) {
      var snippet = item.insertTextFormat === 2 && item.insertText;
      return {
        label: item.label,
        kind: kinds[KIND_NAMES[item.kind] || 'Text'],
        detail: item.detail,
        documentation:
          typeof item.documentation === 'string' ? item.documentation : item.documentation && item.documentation.value,
        insertText: item.insertText || item.label,
        insertTextRules: snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
        filterText: item.filterText,
        sortText: item.sortText,
        range: item.textEdit && item.textEdit.range ? toRange(monaco, item.textEdit.range) : range,
      };
    });
  }

  /** Where a pipe waits for its function: `|>` then only spaces (the server offers nothing there). */
  var AFTER_PIPE = /\|>\s*$/;
  var pipeFunctions = null;

  /**
   * The functions a pipe can call, asked once per page: the server completes `|> a` … `|> z` in a scratch
   * document of its own; functions only (packages cannot follow a pipe).
   */
  function knownPipeFunctions(client) {
    if (pipeFunctions) return pipeFunctions;
    var uri = FLUX.documentUri('iot-center-probe', 'pipe');
    var found = {};
    var letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
    var ask = function (i) {
      if (i >= letters.length) return Promise.resolve();
      client.change(uri, 'from(bucket: "b")\n  |> ' + letters[i] + '\n');
      return client
        .request('textDocument/completion', { textDocument: { uri: uri }, position: { line: 1, character: 6 } })
        .then(function (result) {
          var items = (result && (Array.isArray(result) ? result : result.items)) || [];
          items.forEach(function (item) {
            // Its edit range belongs to the scratch document: the editor's own cursor decides where it goes.
            if (item.kind === 3) found[item.label] = Object.assign({}, item, { textEdit: undefined });
          });
          return ask(i + 1);
        });
    };
    client.open(uri, '', null);
    pipeFunctions = ask(0).then(
      function () {
        client.close(uri);
        return Object.keys(found)
          .sort()
          .map(function (label) {
            return found[label];
          });
      },
      function () {
        client.close(uri);
        pipeFunctions = null;
        return [];
      },
    );
    return pipeFunctions;
  }

  /**
   * A long inferred type on one line is unreadable in a hover: records and lists that do not fit `width`
   * get one member per line, indented, the rest stays as the server wrote it.
   */
  FLUX.formatType = function (text, width) {
    width = width || 72;
    var OPEN = { '(': ')', '[': ']', '{': '}' };
    function layout(part, indent) {
      if (indent.length + part.length <= width) return part;
      var out = '';
      var depth = 0;
      var start = -1;
      for (var i = 0; i < part.length; i++) {
        var c = part[i];
        if (OPEN[c]) {
          if (depth === 0) {
            start = i;
            out += c;
          }
          depth++;
        } else if (c === ')' || c === ']' || c === '}') {
          // A closer of a group opened on an earlier line stays as it is.
          if (depth === 0) {
            out += c;
            continue;
          }
          depth--;
          if (depth === 0) {
            out += breakGroup(part.slice(start + 1, i), indent) + c;
            continue;
          }
        } else if (depth === 0) {
          out += c;
        }
      }
      return out;
    }
    function breakGroup(inner, indent) {
      var members = [];
      var depth = 0;
      var from = 0;
      for (var i = 0; i < inner.length; i++) {
        var c = inner[i];
        if (OPEN[c]) depth++;
        else if (c === ')' || c === ']' || c === '}') depth--;
        else if (c === ',' && depth === 0) {
          members.push(inner.slice(from, i).trim());
          from = i + 1;
        }
      }
      var last = inner.slice(from).trim();
      if (last) members.push(last);
      // One member (`stream[{...}]`): no line of its own, but its own groups may still break.
      if (members.length <= 1) return layout(inner, indent);
      var inside = indent + '    ';
      return (
        '\n' +
        members
          .map(function (m) {
            return inside + layout(m, inside);
          })
          .join(',\n') +
        ',\n' +
        indent
      );
    }
    return String(text)
      .split('\n')
      .map(function (line) {
        var indent = /^\s*/.exec(line)[0];
        return line.length <= width ? line : indent + layout(line.slice(indent.length), indent);
      })
      .join('\n');
  };

  /** Page-wide providers for `flux`; they only answer for models bound with bindEditor. */
  FLUX.registerLspProviders = function (monaco) {
    if (FLUX.lspProvidersRegistered) return;
    FLUX.lspProvidersRegistered = true;
    monaco.languages.registerCompletionItemProvider('flux', {
      triggerCharacters: ['.', ':', '(', ',', '"'],
      provideCompletionItems: function (model, position, context) {
        var lspContext = { triggerKind: context.triggerKind + 1 };
        if (context.triggerCharacter) lspContext.triggerCharacter = context.triggerCharacter;
        var before = model.getValueInRange(
          new monaco.Range(position.lineNumber, 1, position.lineNumber, position.column),
        );
        return ask(
          model,
          'textDocument/completion',
          { position: toPosition(position), context: lspContext },
          { items: [] },
        ).then(function (result) {
          var items = Array.isArray(result) ? result : result.items || [];
          var binding = bindingOf(model);
          if (items.length === 0 && AFTER_PIPE.test(before) && binding && !binding.disposed) {
            return knownPipeFunctions(binding.client).then(function (functions) {
              if (model.isDisposed()) return { suggestions: [] };
              return { suggestions: completionItems(monaco, model, position, functions) };
            });
          }
          return { suggestions: completionItems(monaco, model, position, items), incomplete: !!result.isIncomplete };
        });
      },
    });
    monaco.languages.registerHoverProvider('flux', {
      provideHover: function (model, position) {
        return ask(model, 'textDocument/hover', { position: toPosition(position) }, null).then(function (hover) {
          if (!hover || !hover.contents) return null;
          return { contents: markdown(hover.contents), range: hover.range ? toRange(monaco, hover.range) : undefined };
        });
      },
    });
    monaco.languages.registerSignatureHelpProvider('flux', {
      signatureHelpTriggerCharacters: ['(', ','],
      signatureHelpRetriggerCharacters: [','],
      provideSignatureHelp: function (model, position) {
        return ask(model, 'textDocument/signatureHelp', { position: toPosition(position) }, null).then(function (help) {
          if (!help || !help.signatures || help.signatures.length === 0) return null;
          return {
            value: {
              signatures: help.signatures.map(function (s) {
                return {
                  label: s.label,
                  documentation: s.documentation,
                  parameters: (s.parameters || []).map(function (p) {
                    return { label: p.label, documentation: p.documentation };
                  }),
                };
              }),
              activeSignature: help.activeSignature || 0,
              activeParameter: help.activeParameter || 0,
            },
            dispose: function () {},
          };
        });
      },
    });
    monaco.languages.registerDocumentFormattingEditProvider('flux', {
      provideDocumentFormattingEdits: function (model, options) {
        var binding = bindingOf(model);
        if (!binding) return [];
        return binding.formatEdits(options).catch(function () {
          return [];
        });
      },
    });
  };

  /**
   * Connects a Monaco editor (language `flux`) to the server as `file:///<folder>/query.flux`, with the
   * `params` record declared beside it (unless the Flux defines `params` itself).
   */
  FLUX.bindEditor = function (monaco, editor, options) {
    FLUX.registerLspProviders(monaco);
    var client = FLUX.lsp();
    var model = editor.getModel();
    var folder = options.folder || 'flux';
    var binding = {
      uri: FLUX.documentUri(folder, 'query'),
      preludeUri: FLUX.documentUri(folder, 'params'),
      client: client,
      disposed: false,
      syncedVersion: -1,
    };

    function showDiagnostics(diagnostics) {
      if (binding.disposed || model.isDisposed()) return;
      var markers = diagnostics.map(function (d) {
        var range = toRange(monaco, d.range);
        return {
          severity: monaco.MarkerSeverity[SEVERITY_NAMES[d.severity] || 'Error'],
          message: d.message,
          source: d.source || 'flux',
          startLineNumber: range.startLineNumber,
          startColumn: range.startColumn,
          endLineNumber: range.endLineNumber,
          // A zero-width problem (at the end of the text) still gets a visible squiggle.
          endColumn:
            range.endLineNumber === range.startLineNumber && range.endColumn === range.startColumn
              ? range.endColumn + 1
              : range.endColumn,
        };
      });
      monaco.editor.setModelMarkers(model, 'flux', markers);
      if (options.onDiagnostics) options.onDiagnostics(markers);
    }

    function syncPrelude(text) {
      var wanted = !DEFINES_PARAMS.test(text);
      if (wanted && !client.isOpen(binding.preludeUri)) client.open(binding.preludeUri, PARAMS_PRELUDE, null);
      if (!wanted && client.isOpen(binding.preludeUri)) client.close(binding.preludeUri);
    }

    /** Sends the model's text when the server's copy is older (providers call this before asking). */
    binding.sync = function () {
      if (binding.disposed || model.isDisposed()) return;
      var version = model.getVersionId();
      if (version === binding.syncedVersion) return;
      binding.syncedVersion = version;
      var text = model.getValue();
      syncPrelude(text);
      client.change(binding.uri, text);
    };

    binding.formatEdits = function (formatting) {
      binding.sync();
      var params = {
        textDocument: { uri: binding.uri },
        options: { tabSize: (formatting && formatting.tabSize) || 4, insertSpaces: true },
      };
      return client.request('textDocument/formatting', params).then(function (edits) {
        return (edits || []).map(function (e) {
          return { range: toRange(monaco, e.range), text: e.newText };
        });
      });
    };

    /** Formats the whole text as one undoable edit; rejects with the server's message (e.g. a syntax error). */
    binding.format = function () {
      return binding.formatEdits({ tabSize: 4 }).then(function (edits) {
        if (binding.disposed || edits.length === 0) return false;
        editor.pushUndoStop();
        editor.executeEdits('flux-format', edits);
        editor.pushUndoStop();
        return true;
      });
    };

    binding.dispose = function () {
      if (binding.disposed) return;
      binding.disposed = true;
      delete bindings[model.uri.toString()];
      if (changes) changes.dispose();
      client.close(binding.uri);
      client.close(binding.preludeUri);
      if (!model.isDisposed()) monaco.editor.setModelMarkers(model, 'flux', []);
    };

    bindings[model.uri.toString()] = binding;
    var initial = model.getValue();
    syncPrelude(initial);
    client.open(binding.uri, initial, showDiagnostics);
    binding.syncedVersion = model.getVersionId();
    var changes = model.onDidChangeContent(function () {
      binding.sync();
    });
    return binding;
  };
})(self);
