import { describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { allEntries, scanToml } from '../../src/toml/scan.js';
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
