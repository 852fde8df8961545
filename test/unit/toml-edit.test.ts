/**
 * The span editor, function by function: each edit as the bytes it leaves, since keeping every
 * byte the tool does not own is the editor's whole purpose.
 */
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  appendTable,
  applyEdits,
  basicString,
  createSubTable,
  findEntry,
  inlineInsertion,
  removePath,
  removeRootKeys,
  renderInlineTable,
  renderKey,
  renderKeySegment,
  renderString,
  renderValue,
  replaceValue,
  samePath,
  setRootString,
  setTableValue,
  startsWith,
  tableForm,
  type Edit,
} from '../../src/toml/edit.js';
import { scanToml, type TomlDoc } from '../../src/toml/scan.js';

/** The text after the edits `f` plans for it; the result must still be TOML. */
function edit(text: string, f: (doc: TomlDoc) => Edit[]): string {
  const out = applyEdits(text, f(scanToml(text)));
  parse(out);
  return out;
}

describe('applying edits', () => {
  it('applies edits anywhere, in any order given', () => {
    expect(applyEdits('abcdef', [{ start: 1, end: 2, text: 'B' }, { start: 4, end: 4, text: '+' }, { start: 0, end: 0, text: '>' }])).toBe('>aBcd+ef');
  });

  it('a deletion and an insertion at the same place both apply', () => {
    expect(applyEdits('abcdef', [{ start: 2, end: 4, text: '' }, { start: 2, end: 2, text: 'X' }])).toBe('abXef');
    expect(applyEdits('abcdef', [{ start: 2, end: 2, text: 'X' }, { start: 2, end: 4, text: '' }])).toBe('abXef');
  });

  it('refuses overlapping edits rather than guess', () => {
    expect(() => applyEdits('abcdef', [{ start: 1, end: 4, text: 'x' }, { start: 3, end: 5, text: 'y' }])).toThrowError('overlapping TOML edits');
    expect(applyEdits('abcdef', [{ start: 1, end: 3, text: 'x' }, { start: 3, end: 5, text: 'y' }])).toBe('axyf');
  });

  it('deletions that touch or overlap become one', () => {
    expect(applyEdits('a\nb\nc\n', [{ start: 2, end: 4, text: '' }, { start: 0, end: 2, text: '' }])).toBe('c\n');
    expect(applyEdits('abcdef', [{ start: 1, end: 4, text: '' }, { start: 2, end: 3, text: '' }])).toBe('aef');
    expect(applyEdits('abcdef', [{ start: 1, end: 3, text: '' }, { start: 2, end: 5, text: '' }])).toBe('af');
  });

  it('removing the last lines of a file without a final newline takes the line break before them (LF and CRLF)', () => {
    expect(applyEdits('a = 1\nb = 2', [{ start: 6, end: 11, text: '' }])).toBe('a = 1');
    expect(applyEdits('a = 1\r\nb = 2', [{ start: 7, end: 12, text: '' }])).toBe('a = 1');
    // With a final newline, or not at the end, nothing more goes.
    expect(applyEdits('a = 1\nb = 2\n', [{ start: 6, end: 12, text: '' }])).toBe('a = 1\n');
    expect(applyEdits('a = 1\nb = 2', [{ start: 0, end: 6, text: '' }])).toBe('b = 2');
    expect(applyEdits('b = 2', [{ start: 0, end: 5, text: '' }])).toBe('');
  });
});

describe('rendering', () => {
  it.each([
    ['plain', '"plain"'],
    ['back\\slash', '"back\\\\slash"'],
    ['a "quote"', '"a \\"quote\\""'],
    ['line\nbreak', '"line\\nbreak"'],
    ['tab\there', '"tab\\there"'],
    ['cr\rhere', '"cr\\rhere"'],
    ['bell\u0007', '"bell\\u0007"'],
    ['del\u007f', '"del\\u007f"'],
    ['ünïcödé — stays', '"ünïcödé — stays"'],
  ])('basicString(%j) is %s', (v, s) => expect(basicString(v)).toBe(s));

  it.each([
    ['C:\\dir', 'literal', "'C:\\dir'"],
    ["it's", 'literal', '"it\'s"'],
    ['two\nlines', 'literal', '"two\\nlines"'],
    ['x', 'basic', '"x"'],
    ['x', undefined, '"x"'],
    ['x', 'ml-basic', '"x"'],
  ] as const)('renderString(%j, %s) is %s', (v, style, s) => expect(renderString(v, style)).toBe(s));

  it.each([
    ['model_providers', 'model_providers'],
    ['a-b_1', 'a-b_1'],
    ['a.b', '"a.b"'],
    ['a b', '"a b"'],
    ['', '""'],
    ['é', '"é"'],
  ])('key segment %j is %s', (k, s) => expect(renderKeySegment(k)).toBe(s));

  it('keys, values and inline tables', () => {
    expect(renderKey(['model_providers', 'my.gw', 'x'])).toBe('model_providers."my.gw".x');
    expect(renderValue('v')).toBe('"v"');
    expect(renderValue(['-c', 'a "b"'])).toBe('["-c", "a \\"b\\""]');
    expect(renderValue([])).toBe('[]');
    expect(renderInlineTable([['name', 'X'], ['args', ['a']], ['odd key', 'y']])).toBe('{ name = "X", args = ["a"], "odd key" = "y" }');
  });

  it('paths', () => {
    expect(samePath(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(samePath(['a', 'b'], ['a'])).toBe(false);
    expect(samePath(['a'], ['a', 'b'])).toBe(false);
    expect(samePath(['a', 'c'], ['a', 'b'])).toBe(false);
    expect(startsWith(['a', 'b'], ['a'])).toBe(true);
    expect(startsWith(['a'], ['a'])).toBe(true);
    expect(startsWith(['a'], ['a', 'b'])).toBe(false);
    expect(startsWith(['a', 'b'], ['b'])).toBe(false);
    expect(startsWith(['a'], [])).toBe(true);
  });
});

describe('top-level strings', () => {
  it.each([
    ['changes an existing value where it stands, in its quoting', "# c\nmodel = 'o3' # mine\n[t]\n", 'model', 'gpt-5.4', "# c\nmodel = 'gpt-5.4' # mine\n[t]\n"],
    ['a value that cannot be a literal string becomes a basic one', "model = 'o3'\n", 'model', "it's", 'model = "it\'s"\n'],
    ['a new key goes after the last top-level key', 'a = 1\nb = 2\n\n[t]\nx = 1\n', 'model', 'o3', 'a = 1\nb = 2\nmodel = "o3"\n\n[t]\nx = 1\n'],
    ['no final newline stays missing', 'a = 1', 'model', 'o3', 'a = 1\nmodel = "o3"'],
    ['CRLF stays CRLF', 'a = 1\r\n', 'model', 'o3', 'a = 1\r\nmodel = "o3"\r\n'],
    ['no top-level key: before the first table and its comments, a blank line after', '# file\n\n# about t\n# more\n[t]\nx = 1\n', 'model', 'o3', '# file\n\nmodel = "o3"\n\n# about t\n# more\n[t]\nx = 1\n'],
    ['no top-level key, a table first', '[t]\nx = 1\n', 'model', 'o3', 'model = "o3"\n\n[t]\nx = 1\n'],
    ['an empty file', '', 'model', 'o3', 'model = "o3"\n'],
    ['only comments', '# just this', 'model', 'o3', '# just this\nmodel = "o3"'],
    ['a key that needs quotes', '', 'my key', 'v', '"my key" = "v"\n'],
  ])('%s', (_n, text, key, value, want) => expect(edit(text, (d) => setRootString(d, key, value))).toBe(want));

  it('no edit when the value already reads the same', () => {
    expect(setRootString(scanToml("model = 'o3'\n"), 'model', 'o3')).toEqual([]);
    expect(setRootString(scanToml('model = "o3"\n'), 'model', 'o3')).toEqual([]);
  });

  it.each([
    ['both keys, with the comment between them kept', 'model = "o3"\n# keep me\nmodel_provider = "x"\nother = 1\n', ['model', 'model_provider'], '# keep me\nother = 1\n'],
    ['neighbours share a line ending', 'a = 1\nmodel = "o3"\nmodel_provider = "x"\nb = 2\n', ['model', 'model_provider'], 'a = 1\nb = 2\n'],
    ['all top-level keys before a table: the blank line setRootString added goes too', 'model = "o3"\n\n[t]\nx = 1\n', ['model'], '[t]\nx = 1\n'],
    ['…but not when a comment sits right above the first key', '# mine\nmodel = "o3"\n\n[t]\nx = 1\n', ['model'], '# mine\n\n[t]\nx = 1\n'],
    ['…and not when another top-level key stays', 'model = "o3"\nkeep = 1\n\n[t]\n', ['model'], 'keep = 1\n\n[t]\n'],
    ['…and not when there is no table after', 'model = "o3"\n\n# end\n', ['model'], '\n# end\n'],
    ['…with CRLF', 'model = "o3"\r\n\r\n[t]\r\n', ['model'], '[t]\r\n'],
    ['the last key of a file without a final newline', 'a = 1\nmodel = "o3"', ['model'], 'a = 1'],
    ['a dotted top-level key is not the key', 'model.x = 1\nmodel = "o3"\n', ['model'], 'model.x = 1\n'],
  ])('removing top-level keys: %s', (_n, text, keys, want) => expect(edit(text, (d) => removeRootKeys(d, keys))).toBe(want));

  it('removing keys that are not there is no edit', () => expect(removeRootKeys(scanToml('a = 1\n[t]\nmodel = 1\n'), ['model'])).toEqual([]));
});

describe('replacing values', () => {
  const replace = (text: string, path: string[], value: string | string[]) =>
    edit(text, (d) => {
      const kv = findEntry(d, path);
      return kv ? replaceValue(d, kv, value) : [];
    });

  it.each([
    ['an equal array spread over lines stays as it is', 'args = [\n  "-c",  # flag\n  "x",\n]\n', ['-c', 'x'], 'args = [\n  "-c",  # flag\n  "x",\n]\n'],
    ['a different element', 'args = ["-c", "y"]\n', ['-c', 'x'], 'args = ["-c", "x"]\n'],
    ['a different length', 'args = ["-c"]\n', ['-c', 'x'], 'args = ["-c", "x"]\n'],
    ['numbers are not strings', 'args = [1]\n', ['1'], 'args = ["1"]\n'],
    ['a string where the array was', 'args = ["a"]\n', 'a', 'args = "a"\n'],
    ['an array where a string was', 'args = "a"\n', ['a'], 'args = ["a"]\n'],
    ['a string kept in its literal style', "cmd = '/bin/sh'\n", '/usr/bin/env', "cmd = '/usr/bin/env'\n"],
    ['a non-string replaced by a string', 'x = 1\n', 'one', 'x = "one"\n'],
  ])('%s', (_n, text, value, want) => expect(replace(text, [text.split(' ')[0]!], value)).toBe(want));
});

describe('removing a path', () => {
  it.each([
    ['a table, its sub-tables, and the blank line before an appended table', 'a = 1\n\n[p]\nx = 1\n\n[p.sub]\ny = 2\n\n[q]\nz = 3\n', ['p'], 'a = 1\n\n[q]\nz = 3\n'],
    ['the last table', 'a = 1\n\n[p]\nx = 1\n', ['p'], 'a = 1\n'],
    ['the last table, no final newline', 'a = 1\n\n[p]\nx = 1', ['p'], 'a = 1'],
    ['a table with a comment after its keys: the comment belongs to what follows', '[p]\nx = 1\n# about q\n[q]\n', ['p'], '# about q\n[q]\n'],
    ['a table not preceded by a blank line keeps what is above', 'a = 1\n[p]\nx = 1\n\n[q]\n', ['p'], 'a = 1\n\n[q]\n'],
    ['a table followed by text, not a blank line: the blank above stays', 'a = 1\n\n[p]\nx = 1\n[q]\n', ['p'], 'a = 1\n\n[q]\n'],
    ['an empty table header', 'a = 1\n\n[p]\n\n[q]\n', ['p'], 'a = 1\n\n[q]\n'],
    ['dotted keys under a parent table', '[m]\np.x = 1\np.y = 2\nq = 3\n', ['m', 'p'], '[m]\nq = 3\n'],
    ['an inline table key', 'm = { p = { x = 1 }, q = 2 }\n', ['m', 'p'], 'm = { q = 2 }\n'],
    ['the first entry of an inline table', 'm = { p = 1, q = 2, r = 3 }\n', ['m', 'p'], 'm = { q = 2, r = 3 }\n'],
    ['a middle entry', 'm = { p = 1, q = 2, r = 3 }\n', ['m', 'q'], 'm = { p = 1, r = 3 }\n'],
    ['the last entry', 'm = { p = 1, q = 2, r = 3 }\n', ['m', 'r'], 'm = { p = 1, q = 2 }\n'],
    ['the only entry', 'm = { p = 1 }\n', ['m', 'p'], 'm = {}\n'],
    ['an entry of a nested inline table', 'm = { n = { p = 1, q = 2 }, o = 3 }\n', ['m', 'n', 'q'], 'm = { n = { p = 1 }, o = 3 }\n'],
    ['an entry of an inline table under a header', '[m]\nn = { p = 1, q = 2 }\n', ['m', 'n', 'p'], '[m]\nn = { q = 2 }\n'],
    ['neighbouring dotted entries of an inline table, first', 'm = { p.a = 1, p.b = 2, q = 3 }\n', ['m', 'p'], 'm = { q = 3 }\n'],
    ['neighbouring dotted entries of an inline table, last', 'm = { q = 1, p.a = 2, p.b = 3 }\n', ['m', 'p'], 'm = { q = 1 }\n'],
    ['dotted entries apart from each other', 'm = { p.a = 1, q = 2, p.b = 3, r = 4 }\n', ['m', 'p'], 'm = { q = 2, r = 4 }\n'],
    ['nothing there', 'a = 1\n', ['m'], 'a = 1\n'],
    ['a path under a plain value', 'm = 1\n', ['m', 'x'], 'm = 1\n'],
  ])('%s', (_n, text, path, want) => expect(edit(text, (d) => removePath(d, path))).toBe(want));

  it('two neighbouring inline entries at once', () => {
    const text = 'm = { p = 1, q = 2, r = 3, s = 4 }\n';
    const d = scanToml(text);
    expect(applyEdits(text, [...removePath(d, ['m', 'q']), ...removePath(d, ['m', 'r'])])).toBe('m = { p = 1, s = 4 }\n');
  });
});

describe('tables in the form the user wrote them', () => {
  it.each([
    ['[m.p]\nx = 1\n', 'header'],
    ['m = { p = { x = 1 } }\n', 'inline'],
    ['[m]\np = { x = 1 }\n', 'inline'],
    ['[m]\np.x = 1\n', 'dotted'],
    ['m.p.x = 1\n', 'dotted'],
    ['[m]\np = 1\n', 'absent'],
    ['[[m.p]]\nx = 1\n', 'absent'],
    ['m = { p = 1 }\n', 'absent'],
    ['', 'absent'],
  ])('%j: %s', (text, kind) => expect(tableForm(scanToml(text), ['m', 'p']).kind).toBe(kind));

  it.each([
    ['a header table: after its last key, with its indentation', '[m]\n  a = "1"\n  b = "2"\n\n[n]\n', '[m]\n  a = "1"\n  b = "2"\n  f = "v"\n\n[n]\n'],
    ['an empty header table: right after the header', '[m]\n[n]\n', '[m]\nf = "v"\n[n]\n'],
    ['the last header table, no final newline', '[m]\na = "1"', '[m]\na = "1"\nf = "v"'],
    ['dotted keys: another dotted key after the last', '[x]\nm.a = "1"\nm.b = "2"\nz = 1\n', '[x]\nm.a = "1"\nm.b = "2"\nm.f = "v"\nz = 1\n'],
    ['an inline table on one line', 'm = { a = "1" }\n', 'm = { a = "1", f = "v" }\n'],
    ['an inline table on one line with a trailing comma', 'm = { a = "1", }\n', 'm = { a = "1", f = "v", }\n'],
    ['an empty inline table', 'm = {}\n', 'm = { f = "v" }\n'],
    ['an inline table over lines', 'm = {\n    a = "1"\n}\n', 'm = {\n    a = "1",\n    f = "v"\n}\n'],
    ['an inline table over lines with a trailing comma', 'm = {\n\ta = "1",\n}\n', 'm = {\n\ta = "1",\n\tf = "v",\n}\n'],
    ['an inline table over lines, CRLF', 'm = {\r\n  a = "1",\r\n}\r\n', 'm = {\r\n  a = "1",\r\n  f = "v",\r\n}\r\n'],
    ['an inline table over lines whose entries share a line', 'm = { a = "1",\n}\n', 'm = { a = "1",\n  f = "v",\n}\n'],
    ['the field already there: replaced where it is', '[m]\nf = "old"\n', '[m]\nf = "v"\n'],
    ['no such table: nothing', 'x = 1\n', 'x = 1\n'],
  ])('setting a field: %s', (_n, text, want) => {
    const path = text.startsWith('[x]') ? ['x', 'm'] : ['m'];
    expect(edit(text, (d) => setTableValue(d, path, 'f', 'v'))).toBe(want);
  });

  it('an array field', () => expect(edit('[m]\na = 1\n', (d) => setTableValue(d, ['m'], 'args', ['-c', 'x']))).toBe('[m]\na = 1\nargs = ["-c", "x"]\n'));

  it.each([
    ['under a header table: a new table at the end', '[m]\na = 1\n', '[m]\na = 1\n\n[m.p]\nname = "P"\nargs = ["x"]\n'],
    ['under an inline table: an inline entry', 'm = { a = 1 }\n', 'm = { a = 1, p = { name = "P", args = ["x"] } }\n'],
    ['under dotted keys: more dotted keys', '[x]\nm.a = 1\n', '[x]\nm.a = 1\nm.p.name = "P"\nm.p.args = ["x"]\n'],
    ['already there: nothing', '[m.p]\nname = "Q"\n', '[m.p]\nname = "Q"\n'],
    ['no parent: nothing', 'a = 1\n', 'a = 1\n'],
  ])('creating a sub-table: %s', (_n, text, want) => {
    const parent = text.startsWith('[x]') ? ['x', 'm'] : ['m'];
    expect(edit(text, (d) => createSubTable(d, parent, 'p', [['name', 'P'], ['args', ['x']]]))).toBe(want);
  });

  it('inserting into something that is not an inline table is a bug, said so', () => {
    const d = scanToml('m = 1\n');
    expect(() => inlineInsertion(d, findEntry(d, ['m'])!, 'x = 1')).toThrowError('not an inline table');
  });
});

describe('appending a table', () => {
  it.each([
    ['', '[t]\na = "1"\n'],
    ['x = 1\n', 'x = 1\n\n[t]\na = "1"\n'],
    ['x = 1', 'x = 1\n\n[t]\na = "1"'],
    ['x = 1\r\n', 'x = 1\r\n\r\n[t]\r\na = "1"\r\n'],
  ])('to %j', (text, want) => expect(edit(text, (d) => [appendTable(d, ['t'], [['a', '1']])])).toBe(want));
});
