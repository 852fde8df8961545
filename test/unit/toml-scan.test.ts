import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { allEntries, scanToml, TomlScanError } from '../../src/toml/scan.js';
import { getPath } from '../../src/toml/parse.js';

const valueText = (text: string, path: string[]) => {
  const kv = allEntries(scanToml(text)).find((e) => e.path.join('\u0000') === path.join('\u0000'));
  return kv && text.slice(kv.valueStart, kv.valueEnd);
};

describe('scanner spans', () => {
  it.each([
    ['a = "x # not a comment" # comment', ['a'], '"x # not a comment"'],
    ['a = "esc \\" quote"', ['a'], '"esc \\" quote"'],
    ["a = 'C:\\path\\'", ['a'], "'C:\\path\\'"],
    ['a = """x""""', ['a'], '"""x""""'],
    ['a = """x"""""', ['a'], '"""x"""""'],
    ["a = '''x''''", ['a'], "'''x''''"],
    ['a = """\nline [t]\nb = 1\n"""', ['a'], '"""\nline [t]\nb = 1\n"""'],
    ['a = """ \\\n  x"""', ['a'], '""" \\\n  x"""'],
    ['a = [1, [2, 3], "]"] # c', ['a'], '[1, [2, 3], "]"]'],
    ['a = [\n  1, # one\n  2,\n]', ['a'], '[\n  1, # one\n  2,\n]'],
    ['a = { b = { c = "}" } }', ['a', 'b', 'c'], '"}"'],
    ['a = 1979-05-27 07:32:00Z # t', ['a'], '1979-05-27 07:32:00Z'],
    ['a = 1979-05-27', ['a'], '1979-05-27'],
    ['a = -inf', ['a'], '-inf'],
    ['a = 0xdead_beef', ['a'], '0xdead_beef'],
    ['"a.b" . c = true', ['a.b', 'c'], 'true'],
    ["'q' = 1", ['q'], '1'],
    ['"\\u0041" = 1', ['A'], '1'],
    ['[t . "u"]\nx = 1', ['t', 'u', 'x'], '1'],
    ['[[arr]]\nx = 1\n[[arr]]\nx = 2', ['arr', 'x'], '1'],
    ['\ufeffa = 1', ['a'], '1'],
    ['a = 1\r\nb = "two"\r\n', ['b'], '"two"'],
  ])('%j: %j is %j', (text, path, raw) => {
    parse(text); // the sample itself must be valid TOML
    expect(valueText(text, path)).toBe(raw);
  });

  it('records whole lines for top-level entries, including a multi-line value and its comment', () => {
    const text = 'x = 1\na = [\n 1,\n] # c\ny = 2';
    const kv = allEntries(scanToml(text)).find((e) => e.path[0] === 'a')!;
    expect(text.slice(kv.lineStart, kv.lineEnd)).toBe('a = [\n 1,\n] # c\n');
    expect(kv.line).toBe(2);
    const y = allEntries(scanToml(text)).find((e) => e.path[0] === 'y')!;
    expect(y.line).toBe(5);
    expect(text.slice(y.lineStart, y.lineEnd)).toBe('y = 2');
  });

  it('detects the line ending', () => {
    expect(scanToml('a = 1\r\n').eol).toBe('\r\n');
    expect(scanToml('a = 1\n').eol).toBe('\n');
    expect(scanToml('').eol).toBe('\n');
  });

  const realistic = `# Codex config
model = "o3" # trailing
approval_policy = "on-request"
notes = """
[model_providers.fake]
model = "not a key"
"""

[mcp_servers.docs]
command = "npx"
args = ["-y", "@acme/docs-mcp", "--flag=#1"]
env = { TOKEN = "t", "X-Y" = "z" }

[projects."/home/me/my app"]
trust_level = "trusted"

[model_providers.ollama2]
name = "Ollama"
base_url = "http://localhost:11434/v1"
http_headers = {
  "X-A" = "b", # 1.1 comment
}

[[hooks.before]]
cmd = 'echo "hi"'
`;

  it('finds every key smol-toml finds in a realistic config, with the same paths', () => {
    const parsed = parse(realistic) as Record<string, unknown>;
    const entries = allEntries(scanToml(realistic));
    for (const e of entries) if (!e.path.includes('before')) expect(getPath(parsed, e.path), e.path.join('.')).not.toBeUndefined();
    expect(entries.map((e) => e.path.join('.'))).toEqual([
      'model',
      'approval_policy',
      'notes',
      'mcp_servers.docs.command',
      'mcp_servers.docs.args',
      'mcp_servers.docs.env',
      'mcp_servers.docs.env.TOKEN',
      'mcp_servers.docs.env.X-Y',
      'projects./home/me/my app.trust_level',
      'model_providers.ollama2.name',
      'model_providers.ollama2.base_url',
      'model_providers.ollama2.http_headers',
      'model_providers.ollama2.http_headers.X-A',
      'hooks.before.cmd',
    ]);
  });
});

describe('what the scanner tells the editor', () => {
  /** Each entry as the editor uses it: path, kind, its raw value, its line, and its whole-line span. */
  const outline = (text: string) =>
    allEntries(scanToml(text)).map((e) => ({
      path: e.path.join('.'),
      value: e.value.kind === 'string' ? `string/${e.value.style}` : e.value.kind,
      raw: text.slice(e.valueStart, e.valueEnd),
      line: e.line,
      span: text.slice(e.lineStart, e.lineEnd),
      inline: e.inline,
    }));

  it('every kind of value, with its style, line and span', () => {
    const text = 'a = "x"\nb = \'y\'\nc = """z"""\nd = \'\'\'w\'\'\'\ne = [1]\nf = {g = 1}\nh = 1 # one';
    parse(text);
    expect(outline(text)).toEqual([
      { path: 'a', value: 'string/basic', raw: '"x"', line: 1, span: 'a = "x"\n', inline: false },
      { path: 'b', value: 'string/literal', raw: "'y'", line: 2, span: "b = 'y'\n", inline: false },
      { path: 'c', value: 'string/ml-basic', raw: '"""z"""', line: 3, span: 'c = """z"""\n', inline: false },
      { path: 'd', value: 'string/ml-literal', raw: "'''w'''", line: 4, span: "d = '''w'''\n", inline: false },
      { path: 'e', value: 'array', raw: '[1]', line: 5, span: 'e = [1]\n', inline: false },
      { path: 'f', value: 'inline-table', raw: '{g = 1}', line: 6, span: 'f = {g = 1}\n', inline: false },
      { path: 'f.g', value: 'scalar', raw: '1', line: 6, span: 'g = 1', inline: true },
      { path: 'h', value: 'scalar', raw: '1', line: 7, span: 'h = 1 # one', inline: false },
    ]);
  });

  it('counts lines through multi-line strings, arrays and inline tables, and CRLF', () => {
    const text = 'a = """\none\ntwo\n"""\nb = [\n  1,\n]\r\nc = {\r\n  d = 1,\r\n}\r\ne = 1\r\n';
    parse(text);
    expect(outline(text).map((e) => [e.path, e.line])).toEqual([['a', 1], ['b', 5], ['c', 8], ['c.d', 9], ['e', 11]]);
  });

  it("backslashes end nothing in a ''' string (a Windows path), and escape a quote in a \"\"\" one", () => {
    const text = "a = '''C:\\dir\\'''\nb = \"\"\"a\\\"\"\"b\"\"\"\nc = 1\n";
    parse(text);
    expect(outline(text).map((e) => [e.path, e.raw, e.line])).toEqual([
      ['a', "'''C:\\dir\\'''", 1],
      ['b', '"""a\\"""b"""', 2],
      ['c', '1', 3],
    ]);
  });

  it.each([
    ['a = 1979-05-27 # a date alone', '1979-05-27'],
    ['a = 1979-05-27 07:32:00 # date and time', '1979-05-27 07:32:00'],
    ['a = 07:32:00 # a time', '07:32:00'],
    ['a = [1979-05-27 07:32:00, 2]', '[1979-05-27 07:32:00, 2]'],
  ])('dates and times: %j', (text, raw) => {
    parse(text);
    expect(outline(text)[0]!.raw).toBe(raw);
  });

  it('tabs are spaces around keys, dots and values', () => {
    const text = 'a\t.\tb\t=\t"x"\t# c\n[t\t.\tu]\nk\t=\t1';
    parse(text);
    expect(outline(text).map((e) => [e.path, e.raw])).toEqual([['a.b', '"x"'], ['t.u.k', '1']]);
  });

  it.each([
    ['a = 1 # no final newline', 24],
    ['a = 1979-05-27 07:32:00', 23],
    ['a = 1\n   ', 6],
    ['a = 1\n\n# end', 6],
  ])('the last line of %j ends at %d, and trailing blanks are fine', (text, end) => {
    expect(allEntries(scanToml(text))[0]!.lineEnd).toBe(end);
  });

  it.each([
    ['a = 1\nb = 2\r\n', '\n'],
    ['a = 1\r\nb = 2\n', '\r\n'],
    ['a = 1', '\n'],
  ])('the line ending of %j is %j: the first line decides', (text, eol) => expect(scanToml(text).eol).toBe(eol));

  it.each([
    ['"\\U0001F600" = 1', '😀'],
    ['"\\x41" = 1', 'A'],
    ['"a\\nb\\t\\\\" = 1', 'a\nb\t\\'],
    ['"\\u00e9" = 1', 'é'],
  ])('quoted key %s decodes to %j', (text, key) => expect(allEntries(scanToml(text))[0]!.key).toEqual([key]));

  it('a table header, and an array-of-tables header', () => {
    const doc = scanToml('[a . b]\nx = 1\n[[c]]\ny = 2\n');
    expect(doc.sections.map((s) => s.header && { kind: s.header.kind, path: s.header.path, line: s.header.line, lineEnd: s.header.lineEnd })).toEqual([
      null,
      { kind: 'table', path: ['a', 'b'], line: 1, lineEnd: 8 },
      { kind: 'array', path: ['c'], line: 3, lineEnd: 20 },
    ]);
  });

  it.each([
    ['a = "x', 'unterminated string (line 1)'],
    ['\n\na = "x\ny"', 'line break inside a string (line 3)'],
    ["a = 'x", 'unterminated string (line 1)'],
    ['a = """x\ny', 'unterminated multi-line string (line 2)'],
    ["a = '''x", 'unterminated multi-line string (line 1)'],
    ['a = [1,', 'unterminated array (line 1)'],
    ['a = [1, 2', 'expected "," or "]" in an array (line 1)'],
    ['a = [1 2]', 'expected "," or "]" in an array (line 1)'],
    ['a = {b = 1,', 'unterminated inline table (line 1)'],
    ['a = {b = 1 c = 2}', 'expected "," or "}" in an inline table (line 1)'],
    ['x = 1\n[a', 'unterminated table header (line 2)'],
    ['[[a]', 'unterminated table header (line 1)'],
    ['[[a]]]', 'expected a line break (line 1)'],
    ['a 1', 'expected "=" after a key (line 1)'],
    ['= 1', 'expected a key (line 1)'],
    ['a =', 'expected a value (line 1)'],
    ['a = 1 b = 2', 'expected a line break (line 1)'],
    ['a = 1\rb = 2', 'expected a line break (line 1)'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => scanToml(text)).toThrowError(expect.objectContaining({ message, name: 'Error' }));
    expect(() => scanToml(text)).toThrow(TomlScanError);
  });

  it('the error says where, as an offset too', () => {
    try {
      scanToml('a = 1\nb = [1 2]');
      expect.unreachable();
    } catch (err) {
      expect((err as TomlScanError).offset).toBe(13);
    }
  });
});
