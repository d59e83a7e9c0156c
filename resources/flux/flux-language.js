/*
 * The Flux language for the Monaco editor that Node-RED ships: a Monarch tokenizer and a language
 * configuration. Registered once per page (Node-RED's own JSONata setup is the model); registering on
 * every dialog open would stack tokenizers and providers.
 * Token names are Monaco's standard ones (keyword, string, number, comment, regexp, ...) so every bundled
 * theme colours them.
 */
(function (root) {
  'use strict';
  var FLUX = (root.IotCenterFlux = root.IotCenterFlux || {});

  // Duration units, longest first so that `mo` and `ms` win over `m`.
  var UNIT = '(?:ns|us|µs|ms|mo|s|m|h|d|w|y)';

  var monarch = {
    defaultToken: '',
    tokenPostfix: '.flux',
    keywords: [
      'import',
      'package',
      'option',
      'builtin',
      'testcase',
      'return',
      'if',
      'then',
      'else',
      'and',
      'or',
      'not',
      'exists',
      'in',
      'with',
    ],
    constants: ['true', 'false'],
    brackets: [
      { open: '{', close: '}', token: 'delimiter.curly' },
      { open: '[', close: ']', token: 'delimiter.square' },
      { open: '(', close: ')', token: 'delimiter.parenthesis' },
    ],
    tokenizer: {
      root: [
        [/\/\/.*$/, 'comment'],
        // A regex literal can only start an expression: after =~ / !~, a named argument, or ( , [
        [/(=~|!~)(\s*)(\/(?:[^/\\\n]|\\.)+\/)/, ['operator', '', 'regexp']],
        [/([:(,[])(\s*)(\/(?:[^/\\\n]|\\.)+\/)/, ['delimiter', '', 'regexp']],
        [/"/, { token: 'string.quote', next: '@string' }],
        // Times before numbers: 2024-01-01T00:00:00Z and 2024-01-01.
        [/\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?/, 'number.time'],
        [new RegExp('\\d+' + UNIT + '(?:\\d+' + UNIT + ')*(?![\\w])'), 'number.duration'],
        [/\d+\.\d+(?:[eE][+-]?\d+)?/, 'number.float'],
        [/\d+/, 'number'],
        [/\|>/, 'keyword.operator.pipe'],
        [/<-|=>/, 'keyword.operator'],
        [/==|!=|<=|>=|=~|!~|[+\-*/%^<>=?]/, 'operator'],
        [/[{}()[\]]/, '@brackets'],
        [/[,.:]/, 'delimiter'],
        // A name followed by `(` is a call: coloured apart from plain identifiers.
        [/[a-zA-Z_][\w]*(?=\s*\()/, { cases: { '@keywords': 'keyword', '@default': 'type.identifier' } }],
        [/[a-zA-Z_][\w]*/, { cases: { '@keywords': 'keyword', '@constants': 'constant', '@default': 'identifier' } }],
        [/\s+/, 'white'],
      ],
      string: [
        [/\$\{/, { token: 'delimiter.bracket', next: '@interpolation' }],
        [/[^"\\$]+/, 'string'],
        [/\\./, 'string.escape'],
        [/\$/, 'string'],
        [/"/, { token: 'string.quote', next: '@pop' }],
      ],
      // `${expr}` inside a string: Flux code until the matching brace.
      interpolation: [[/\}/, { token: 'delimiter.bracket', next: '@pop' }], { include: 'root' }],
    },
  };

  var configuration = {
    comments: { lineComment: '//' },
    brackets: [
      ['{', '}'],
      ['[', ']'],
      ['(', ')'],
    ],
    autoClosingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"', notIn: ['string', 'comment'] },
    ],
    surroundingPairs: [
      { open: '{', close: '}' },
      { open: '[', close: ']' },
      { open: '(', close: ')' },
      { open: '"', close: '"' },
    ],
    wordPattern: /[a-zA-Z_][\w]*|\d+(?:\.\d+)?/,
  };

  /** Registers the `flux` language in `monaco` unless it is there already; true when it is available. */
  FLUX.registerLanguage = function (monaco) {
    if (!monaco || !monaco.languages) return false;
    var known = monaco.languages.getLanguages().some(function (l) {
      return l.id === 'flux';
    });
    if (!known) {
      monaco.languages.register({ id: 'flux', extensions: ['.flux'], aliases: ['Flux', 'flux'] });
      monaco.languages.setMonarchTokensProvider('flux', monarch);
      monaco.languages.setLanguageConfiguration('flux', configuration);
    }
    return true;
  };
})(self);
