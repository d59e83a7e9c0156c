/*
 * Schema-aware completion, for what the language server cannot know: bucket names, measurements, fields,
 * tag keys and tag values of the configured InfluxDB, fetched through the node's admin endpoint (the
 * token stays on the server). `schemaContext` reads the text before the cursor; it is plain string work
 * so it is unit-tested in Node (test/lib/flux-schema-context.test.ts).
 */
(function (root) {
  'use strict';
  var FLUX = (root.IotCenterFlux = root.IotCenterFlux || {});

  var BUILT_IN_COLUMNS = ['_measurement', '_field', '_value', '_time', '_start', '_stop'];
  var IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

  function lastMatch(regex, text) {
    var found;
    var match;
    regex.lastIndex = 0;
    while ((match = regex.exec(text)) !== null) found = match;
    return found;
  }

  /** Names of function parameters in the text (`(r) => ...`), where `r.` means a column; `r` always counts. */
  function rowNames(text) {
    var names = { r: true };
    var regex = /\(\s*([A-Za-z_]\w*)\s*\)\s*=>/g;
    var match;
    while ((match = regex.exec(text)) !== null) names[match[1]] = true;
    return names;
  }

  /**
   * What the cursor asks for, from the text before it: {kind, prefix, bucket?, measurement?, tag?,
   * quoted}; `quoted` is true when the names go inside a string. Null when no schema name fits there.
   * The bucket is the last `bucket: "..."` before the cursor; the measurement the last
   * `_measurement == "..."` comparison.
   */
  FLUX.schemaContext = function (before) {
    var bucketMatch = lastMatch(/\bbucket\s*:\s*"((?:[^"\\]|\\.)*)"/g, before);
    var measurementMatch = lastMatch(/(?:\._measurement|\[\s*"_measurement"\s*\])\s*==\s*"((?:[^"\\]|\\.)*)"/g, before);
    var base = {};
    if (bucketMatch) base.bucket = bucketMatch[1];
    if (measurementMatch) base.measurement = measurementMatch[1];
    function result(kind, prefix, extra) {
      var out = { kind: kind, prefix: prefix, quoted: true };
      Object.keys(base).forEach(function (k) {
        out[k] = base[k];
      });
      Object.keys(extra || {}).forEach(function (k) {
        out[k] = extra[k];
      });
      return out;
    }
    var m;
    if ((m = /\bbucket\s*:\s*"([^"\\]*)$/.exec(before))) {
      return { kind: 'buckets', prefix: m[1], quoted: true };
    }
    if ((m = /\bmeasurement\s*:\s*"([^"\\]*)$/.exec(before)))
      return result('measurements', m[1], { measurement: undefined });
    if ((m = /\btag\s*:\s*"([^"\\]*)$/.exec(before))) return result('tagKeys', m[1]);
    if ((m = /\bcolumns\s*:\s*\[[^\]]*"([^"\\]*)$/.exec(before))) return result('columns', m[1]);
    // r.<column> == "...", r["<column>"] != "..."
    m = /\b([A-Za-z_]\w*)\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*"((?:[^"\\]|\\.)*)"\s*\])\s*(?:==|!=)\s*"([^"\\]*)$/.exec(
      before,
    );
    if (m && rowNames(before)[m[1]]) {
      var column = m[2] || m[3];
      if (column === '_measurement') return result('measurements', m[4], { measurement: undefined });
      if (column === '_field') return result('fields', m[4]);
      if (column.charAt(0) === '_') return null;
      return result('tagValues', m[4], { tag: column });
    }
    if ((m = /\b([A-Za-z_]\w*)\s*\[\s*"([^"\\]*)$/.exec(before)) && rowNames(before)[m[1]])
      return result('columns', m[2]);
    if ((m = /(?:^|[^\w.])([A-Za-z_]\w*)\.([A-Za-z_]\w*)?$/.exec(before)) && rowNames(before)[m[1]]) {
      return result('columns', m[2] || '', { quoted: false });
    }
    return null;
  };

  /** The column names for `r.` / `r["`: the built-in columns, tag keys and fields (columns after a pivot). */
  function columnNames(fetch, context) {
    var request = { bucket: context.bucket, measurement: context.measurement };
    var tags = fetch(Object.assign({ kind: 'tagKeys' }, request));
    var fields = fetch(Object.assign({ kind: 'fields' }, request));
    return Promise.all([tags, fields]).then(function (lists) {
      var names = BUILT_IN_COLUMNS.map(function (n) {
        return { name: n, detail: 'column' };
      });
      lists[0].forEach(function (n) {
        names.push({ name: n, detail: 'tag' });
      });
      lists[1].forEach(function (n) {
        names.push({ name: n, detail: 'field' });
      });
      return names;
    });
  }

  var DETAILS = {
    buckets: 'bucket',
    measurements: 'measurement',
    fields: 'field',
    tagKeys: 'tag',
    tagValues: 'tag value',
  };

  /** Model URI -> {fetch(request): Promise<string[]>, bucket(): string} set by the editor of a dialog. */
  var sources = {};

  /** Lets the completion provider fetch names for `model`; returns the function that stops it. */
  FLUX.attachSchema = function (model, source) {
    var key = model.uri.toString();
    sources[key] = source;
    return function () {
      if (sources[key] === source) delete sources[key];
    };
  };

  FLUX.registerSchemaCompletion = function (monaco) {
    if (FLUX.schemaCompletionRegistered) return;
    FLUX.schemaCompletionRegistered = true;
    monaco.languages.registerCompletionItemProvider('flux', {
      triggerCharacters: ['"', '.', '['],
      provideCompletionItems: function (model, position) {
        var source = sources[model.uri.toString()];
        if (!source) return { suggestions: [] };
        var before = model.getValueInRange(new monaco.Range(1, 1, position.lineNumber, position.column));
        var context = FLUX.schemaContext(before);
        if (!context) return { suggestions: [] };
        if (!context.bucket && context.kind !== 'buckets') context.bucket = source.bucket();
        var range = new monaco.Range(
          position.lineNumber,
          position.column - context.prefix.length,
          position.lineNumber,
          position.column,
        );
        var kinds = monaco.languages.CompletionItemKind;
        var names =
          context.kind === 'columns'
            ? columnNames(source.fetch, context)
            : source
                .fetch({
                  kind: context.kind,
                  bucket: context.bucket,
                  measurement: context.measurement,
                  tag: context.tag,
                })
                .then(function (list) {
                  return list.map(function (n) {
                    return { name: n, detail: DETAILS[context.kind] };
                  });
                });
        return names.then(
          function (list) {
            return {
              suggestions: list
                .filter(function (item) {
                  return context.quoted || IDENTIFIER.test(item.name);
                })
                .map(function (item, index) {
                  return {
                    label: item.name,
                    kind:
                      context.kind === 'columns'
                        ? kinds.Field
                        : context.kind === 'buckets'
                          ? kinds.Folder
                          : kinds.Value,
                    detail: item.detail,
                    insertText: context.quoted ? item.name.replace(/(["\\])/g, '\\$1') : item.name,
                    // Schema names first, in the server's order.
                    sortText: ' ' + String(index).padStart(5, '0'),
                    range: range,
                  };
                }),
            };
          },
          function () {
            return { suggestions: [] };
          },
        );
      },
    });
  };

  if (typeof module === 'object' && module.exports) module.exports = { schemaContext: FLUX.schemaContext };
})(typeof self !== 'undefined' ? self : globalThis);
