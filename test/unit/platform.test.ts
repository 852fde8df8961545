/**
 * The platform room as pure functions: Windows' paths, key file, auth command and quoting
 * (worked out with path.win32, so they are tested here on Linux too), the registry file that sets
 * the user variable and the `reg query` answer read back, and WSL's detection.
 */
import { describe, expect, it } from 'vitest';
import { platformOf } from '../../src/platform/platform.js';
import { posixPlatform, wslDistro, wslNote } from '../../src/platform/posix.js';
import { windowsAuthCommand, windowsPlatform, windowsWord } from '../../src/platform/windows.js';
import { parseRegQuery, regFileSetting } from '../../src/platform/windows-env.js';
import { resolvePaths } from '../../src/files/paths.js';

const WIN_ENV = { USERPROFILE: 'C:\\Users\\Ann Lee', LOCALAPPDATA: 'C:\\Users\\Ann Lee\\AppData\\Local', SystemRoot: 'C:\\Windows' };

describe('platformOf', () => {
  it.each([
    ['win32', 'windows'],
    ['linux', 'posix'],
    ['darwin', 'posix'],
    ['freebsd', 'posix'],
  ] as const)('%s is %s', (p, id) => expect(platformOf(p).id).toBe(id));
});

describe('Windows paths', () => {
  it('Codex home, config and the key file follow USERPROFILE, CODEX_HOME and LOCALAPPDATA', () => {
    const p = resolvePaths(WIN_ENV, 'C:\\work', undefined, windowsPlatform);
    expect(p.home).toBe('C:\\Users\\Ann Lee');
    expect(p.config).toBe('C:\\Users\\Ann Lee\\.codex\\config.toml');
    expect(p.keys).toEqual({ dir: 'C:\\Users\\Ann Lee\\AppData\\Local\\lightweight', main: 'C:\\Users\\Ann Lee\\AppData\\Local\\lightweight\\api-key.txt' });
    expect(resolvePaths({ ...WIN_ENV, CODEX_HOME: 'D:\\codex' }, 'C:\\work', undefined, windowsPlatform).config).toBe('D:\\codex\\config.toml');
    expect(resolvePaths(WIN_ENV, 'C:\\work', '~\\alt', windowsPlatform).codexHome).toBe('C:\\Users\\Ann Lee\\alt');
    expect(resolvePaths(WIN_ENV, 'C:\\work', 'rel', windowsPlatform).codexHome).toBe('C:\\work\\rel');
  });

  it('without LOCALAPPDATA (or with a relative one) the key lives under the profile\'s AppData\\Local', () => {
    for (const local of [undefined, 'AppData']) {
      const env = { USERPROFILE: 'C:\\Users\\bo', ...(local ? { LOCALAPPDATA: local } : {}) };
      expect(resolvePaths(env, 'C:\\', undefined, windowsPlatform).keys.main).toBe('C:\\Users\\bo\\AppData\\Local\\lightweight\\api-key.txt');
    }
  });

  it('POSIX keeps ~/.config/lightweight/env and its fish twin', () => {
    const p = resolvePaths({ HOME: '/home/ann' }, '/', undefined, posixPlatform);
    expect(p.keys).toEqual({ dir: '/home/ann/.config/lightweight', main: '/home/ann/.config/lightweight/env', fish: '/home/ann/.config/lightweight/env.fish' });
  });

  it('messages show full Windows paths (cmd knows no ~) and ~ paths on POSIX', () => {
    expect(windowsPlatform.show('C:\\Users\\Ann Lee\\.codex\\config.toml', 'C:\\Users\\Ann Lee')).toBe('C:\\Users\\Ann Lee\\.codex\\config.toml');
    expect(posixPlatform.show('/home/ann/.codex/config.toml', '/home/ann')).toBe('~/.codex/config.toml');
    expect(posixPlatform.show('/home/annex/x', '/home/ann')).toBe('/home/annex/x');
  });
});

describe('the Windows key file and auth command', () => {
  it('the key file holds the key alone, which `type` prints exactly; reading it back trims a line end someone added', () => {
    expect(windowsPlatform.renderKeyFile('sk-lw-1')).toBe('sk-lw-1');
    expect(windowsPlatform.readKeyFile('sk-lw-1\r\n')).toBe('sk-lw-1');
    expect(windowsPlatform.readKeyFile('  \r\n')).toBeUndefined();
  });

  it('the auth command is cmd.exe from SystemRoot typing the key file, with no shell or PATH lookup', () => {
    const file = 'C:\\Users\\Ann Lee\\AppData\\Local\\lightweight\\api-key.txt';
    expect(windowsAuthCommand(file, WIN_ENV)).toEqual({ command: 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/c', 'type', file] });
    // A missing or odd SystemRoot falls back to C:\Windows rather than to a relative program.
    for (const SystemRoot of [undefined, 'Windows', 'C:\\Win%x%']) expect(windowsAuthCommand(file, { SystemRoot }).command).toBe('C:\\Windows\\System32\\cmd.exe');
  });

  it.each(['C:\\Users\\R&D\\k.txt', 'C:\\Users\\a%PATH%\\k.txt', 'C:\\Users\\a"b\\k.txt', 'C:\\Users\\a|b\\k.txt', 'C:\\Users\\a^b\\k.txt', 'C:\\Users\\a!b\\k.txt', 'C:\\Users\\a<b\\k.txt', 'relative\\k.txt', 'C:\\Users\\a\nb\\k.txt'])(
    'a key file path cmd.exe would act on (%j) is refused, naming the problem',
    (file) => expect(() => windowsAuthCommand(file, WIN_ENV)).toThrowError(/cmd\.exe would act on|not absolute/),
  );

  it('doctor runs only the exact command setup writes', () => {
    const file = 'C:\\Users\\Ann Lee\\AppData\\Local\\lightweight\\api-key.txt';
    const own = windowsAuthCommand(file, WIN_ENV);
    expect(windowsPlatform.isOwnAuthCommand(own, file, 'C:\\Users\\Ann Lee', WIN_ENV)).toBe(true);
    expect(windowsPlatform.isOwnAuthCommand({ ...own, args: ['/d', '/c', 'calc & type', file] }, file, '', WIN_ENV)).toBe(false);
    expect(windowsPlatform.isOwnAuthCommand({ ...own, command: 'cmd.exe' }, file, '', WIN_ENV)).toBe(false);
    expect(windowsPlatform.isOwnAuthCommand(undefined, file, '', WIN_ENV)).toBe(false);
    expect(windowsPlatform.isOwnAuthCommand(own, 'C:\\R&D\\k.txt', '', WIN_ENV)).toBe(false);
  });
});

describe('values in printed commands', () => {
  it.each([
    ['gpt-5.4', 'gpt-5.4'],
    ['C:\\Users\\bo\\x', 'C:\\Users\\bo\\x'],
    ['C:\\Users\\Ann Lee\\x', '"C:\\Users\\Ann Lee\\x"'],
    ['a"b', '"a""b"'],
  ])('Windows: %j -> %s', (v, q) => expect(windowsWord(v)).toBe(q));

  it.each([
    ['gpt-5.4', 'gpt-5.4'],
    ["it's; rm -rf ~", `'it'\\''s; rm -rf ~'`],
  ])('POSIX: %j -> %s', (v, q) => expect(posixPlatform.quoteArg(v)).toBe(q));
});

describe('the user variable in the registry', () => {
  it('the .reg file is UTF-16LE with a BOM, escapes \\ and ", and names HKCU\\Environment', () => {
    const buf = regFileSetting('LIGHTWEIGHT_API_KEY', 'sk-a\\b"c');
    expect([...buf.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    const text = buf.toString('utf16le');
    expect(text).toBe('\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Environment]\r\n"LIGHTWEIGHT_API_KEY"="sk-a\\\\b\\"c"\r\n\r\n');
  });

  it.each([
    ['\r\nHKEY_CURRENT_USER\\Environment\r\n    LIGHTWEIGHT_API_KEY    REG_SZ    sk-lw-1\r\n\r\n', 'sk-lw-1'],
    ['\nHKEY_CURRENT_USER\\Environment\n    lightweight_api_key    REG_EXPAND_SZ    a b  c\n', 'a b  c'],
    ['\r\nHKEY_CURRENT_USER\\Environment\r\n    LIGHTWEIGHT_API_KEY    REG_SZ    \r\n', ''],
    ['\r\nHKEY_CURRENT_USER\\Environment\r\n    OTHER    REG_SZ    x\r\n', undefined],
    ['', undefined],
  ])('reg query output %j holds %j', (out, value) => expect(parseRegQuery(out, 'LIGHTWEIGHT_API_KEY')).toBe(value));
});

describe('WSL', () => {
  it.each([
    [{ WSL_DISTRO_NAME: 'Ubuntu' }, undefined, 'Ubuntu'],
    [{}, '5.15.167.4-microsoft-standard-WSL2', 'WSL'],
    [{}, '6.1.0-18-amd64', undefined],
    [{}, undefined, undefined],
  ])('%j with kernel %j is %j', (env, release, distro) => expect(wslDistro(env, release)).toBe(distro));

  it('the note says which Codex this sets up and what to run on Windows, without claiming to touch it', () => {
    const note = wslNote('Ubuntu');
    expect(note).toContain('inside it (~/.codex here)');
    expect(note).toContain('%USERPROFILE%\\.codex');
    expect(note).toContain('npx lightweight-setup in PowerShell or cmd');
  });
});
