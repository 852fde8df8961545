import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  detectEol,
  findBlocks,
  foreignKeyLines,
  quotePathForShell,
  removeBlocks,
  sourcesBashrc,
  renderBlock,
  sourceLine,
  upsertBlock,
} from '../../src/shell/rc.js';
import { fishSingleQuote, readKeyFromPosixFile, renderFishKeyFile, renderPosixKeyFile, shSingleQuote } from '../../src/platform/posix-keyfile.js';
import { bashLoginFile, detectShell, parseShell, rcFileFor } from '../../src/shell/detect.js';

const HOME = '/home/ann';
const KEYFILE = '/home/ann/.config/lightweight/env';
// A function, not a constant: computed inside each test, so that mutation testing sees it.
const block = () => renderBlock('bash', KEYFILE, HOME);

describe('rc block rendering', () => {
  it('is byte for byte what the docs promise (sh family)', () => {
    expect(block()).toBe(
      [
        BLOCK_START,
        '# Loads LIGHTWEIGHT_API_KEY. `npx lightweight-setup uninstall` removes this.',
        'lw_env="$HOME/.config/lightweight/env"',
        'if [ -f "$lw_env" ]; then',
        '  if [ -O "$lw_env" ] && [ -z "$(find "$lw_env" -prune \\( -perm -020 -o -perm -002 \\) -print)" ]; then',
        '    . "$lw_env"',
        '  else',
        '    echo "lightweight-setup: not loading $lw_env: it is not yours, or others can write to it. Run: npx lightweight-setup" >&2',
        '  fi',
        'fi',
        'unset lw_env',
        BLOCK_END,
        '',
      ].join('\n'),
    );
  });

  it('is byte for byte what the docs promise (fish)', () => {
    expect(renderBlock('fish', '/home/ann/.config/lightweight/env.fish', HOME)).toBe(
      [
        BLOCK_START,
        '# Loads LIGHTWEIGHT_API_KEY. `npx lightweight-setup uninstall` removes this.',
        'set -l lw_env "$HOME/.config/lightweight/env.fish"',
        'if test -f $lw_env',
        '    set -l lw_open (find $lw_env -prune \\( -perm -020 -o -perm -002 \\) -print)',
        '    if test -O $lw_env; and test -z "$lw_open"',
        '        source $lw_env',
        '    else',
        '        echo "lightweight-setup: not loading $lw_env: it is not yours, or others can write to it. Run: npx lightweight-setup" >&2',
        '    end',
        'end',
        BLOCK_END,
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['/home/ann/.config/lightweight/env', '"$HOME/.config/lightweight/env"'],
    ['/opt/x y/env', '"/opt/x y/env"'],
    ['/opt/$(rm -rf)/`x`/"q"/\\/env', '"/opt/\\$(rm -rf)/\\`x\\`/\\"q\\"/\\\\/env"'],
    ['/home/annex/env', '"/home/annex/env"'],
  ])('quotes %s as %s', (path, quoted) => expect(quotePathForShell(path, HOME)).toBe(quoted));

  it('gives a one-liner for each syntax', () => {
    expect(sourceLine('zsh', KEYFILE, HOME)).toBe('[ -f "$HOME/.config/lightweight/env" ] && . "$HOME/.config/lightweight/env"');
    expect(sourceLine('fish', KEYFILE, HOME)).toBe('test -f "$HOME/.config/lightweight/env"; and source "$HOME/.config/lightweight/env"');
  });
});

describe('rc block placement', () => {
  // BLOCK stands for the block, TRIMMED for it without its final newline (filled in inside the test).
  const fill = (t: string) => t.replaceAll('TRIMMED', block().trimEnd()).replaceAll('BLOCK', block());
  it.each([
    ['a missing file', '', false, 'BLOCK', 'created'],
    ['an empty file', '', true, 'BLOCK', 'appended'],
    ['a file with a final newline', 'alias ll=ls\n', true, 'alias ll=ls\n\nBLOCK', 'appended'],
    ['a file without one (which keeps lacking one)', 'alias ll=ls', true, 'alias ll=ls\n\nTRIMMED', 'appended'],
    ['a file ending in a blank line', 'alias ll=ls\n\n', true, 'alias ll=ls\n\n\nBLOCK', 'appended'],
    ['a file that has the block already', 'a\n\nBLOCKb\n', true, 'a\n\nBLOCKb\n', 'unchanged'],
    ['a CRLF file', 'a\r\nb\r\n', true, 'a\r\nb\r\n\r\nBLOCK', 'appended'],
    ['a CRLF file without a final newline', 'a\r\nb', true, 'a\r\nb\r\n\r\nTRIMMED', 'appended'],
    // The block in the middle of a file without a final newline keeps the line break after it.
    ['an old block mid-file, no final newline', 'a\n# >>> lightweight-setup >>>\nold\n# <<< lightweight-setup <<<\ntail', true, 'a\nBLOCKtail', 'replaced'],
    ['an old block last, no final newline', 'a\n# >>> lightweight-setup >>>\nold\n# <<< lightweight-setup <<<', true, 'a\nTRIMMED', 'replaced'],
  ])('%s', (_n, text, existed, expected, action) => {
    expect(upsertBlock(fill(text), block(), 'rc', existed)).toEqual({ text: fill(expected), action });
  });

  it.each([
    ['', '\n'],
    ['no line break', '\n'],
    ['a\r\nb\n', '\r\n'],
    ['a\nb\r\n', '\n'],
    ['\r\n', '\r\n'],
    ['\n\r\n', '\n'],
    ['a\r', '\n'],
  ])('the line ending of %j is %j (the first line decides)', (text, eol) => expect(detectEol(text)).toBe(eol));

  it('removes two blocks mid-file, keeping every other line, in order', () => {
    const two = `a\n\n${block()}b\n\n${block()}c\n`;
    expect(removeBlocks(two, 'rc')).toBe('a\n\nb\n\nc\n');
  });

  it.each([
    ['LF, block last', `a\n\nBLOCK`, 'a\n'],
    ['LF, block last, no final newline', `a\n\nTRIMMED`, 'a'],
    ['CRLF, block last', `a\r\n\r\nBLOCK`, 'a\r\n'],
    ['CRLF, block last, no final newline', `a\r\n\r\nTRIMMED`, 'a'],
  ])('uninstall gives back the bytes: %s', (_n, text, want) => expect(removeBlocks(fill(text), 'rc')).toBe(want));

  it('a second start marker before the first block ends: refused, naming the first', () => {
    expect(() => findBlocks(`x\n${BLOCK_START}\na\n${BLOCK_START}\n${BLOCK_END}\n`, '~/.zshrc')).toThrowError(
      expect.objectContaining({
        message: `~/.zshrc:2: the lightweight-setup block starts here but its end marker "${BLOCK_END}" is missing.`,
        hint: 'Fix or delete the block by hand and run again; nothing was written.',
        exitCode: 2,
      }),
    );
  });

  it('a path with a newline is refused, whatever it is for', () => {
    expect(() => quotePathForShell('/home/ann/cfg\n# <<< lightweight-setup <<<', HOME)).toThrowError(
      expect.objectContaining({
        message: 'The path "/home/ann/cfg\\n# <<< lightweight-setup <<<" has a newline or another control character in it, which a shell startup file cannot hold safely.',
        hint: 'Check HOME, XDG_CONFIG_HOME and ZDOTDIR (or --rc-file) for a stray newline; nothing was written.',
        exitCode: 2,
      }),
    );
    expect(() => renderBlock('bash', '/tmp/a\u0007b', HOME)).toThrowError(/control character/);
    expect(() => quotePathForShell('/tmp/a\u007fb', HOME)).toThrowError(/control character/);
  });

  it('replaces an old block in place and drops duplicates', () => {
    const old = `${BLOCK_START}\nexport LIGHTWEIGHT_API_KEY=old\n${BLOCK_END}\n`;
    const r = upsertBlock(`a\n${old}b\n${old}c\n`, block(), 'rc', true);
    expect(r).toEqual({ text: `a\n${block()}b\nc\n`, action: 'replaced' });
  });

  it('keeps CRLF files CRLF', () => {
    const crlf = renderBlock('bash', KEYFILE, HOME, '\r\n');
    expect(upsertBlock('a\r\n', crlf, 'rc', true).text).toBe(`a\r\n\r\n${crlf}`);
    expect(findBlocks(`a\r\n\r\n${crlf}`, 'rc')).toHaveLength(1);
  });

  it('running it again never adds a second block', () => {
    let text = 'export PATH=$PATH:~/bin\n';
    for (let i = 0; i < 3; i++) text = upsertBlock(text, block(), 'rc', true).text;
    expect(findBlocks(text, 'rc')).toHaveLength(1);
  });

  it('refuses a block without its end marker, naming the line', () => {
    expect(() => upsertBlock(`a\n${BLOCK_START}\nb\n`, block(), '~/.bashrc', true)).toThrowError(/^~\/\.bashrc:2: /);
  });

  it.each(['', 'a\n', 'a', 'a\n\n', 'a\n\n# user comment\n', 'a\r\nb\r\n', 'a\r\nb'])('removal exactly undoes insertion into %j', (original) => {
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const withBlock = upsertBlock(original, renderBlock('bash', KEYFILE, HOME, eol), 'rc', true).text;
    expect(removeBlocks(withBlock, 'rc')).toBe(original);
  });

  it('removal leaves what the user added after the block', () => {
    expect(removeBlocks(`a\n\n${block()}b\n`, 'rc')).toBe('a\n\nb\n');
  });

  it('finds lines that set the key between and after two blocks, not inside them', () => {
    const inside = `${BLOCK_START}\nexport LIGHTWEIGHT_API_KEY=in-block\n${BLOCK_END}\n`;
    const text = `${inside}export LIGHTWEIGHT_API_KEY=a\n${inside}export LIGHTWEIGHT_API_KEY=b\n`;
    expect(foreignKeyLines(text, 'rc', 'LIGHTWEIGHT_API_KEY')).toEqual([4, 8]);
    expect(foreignKeyLines('export LIGHTWEIGHT_API_KEY=only\n', 'rc', 'LIGHTWEIGHT_API_KEY')).toEqual([1]);
  });

  it('finds lines that set the key outside the block', () => {
    const text = `export LIGHTWEIGHT_API_KEY=sk-1\n${block()}LIGHTWEIGHT_API_KEY=x\nset -gx LIGHTWEIGHT_API_KEY y\n# LIGHTWEIGHT_API_KEY in a comment\n`;
    const after = block().split('\n').length; // the block's lines, and the line after it
    expect(foreignKeyLines(text, 'rc', 'LIGHTWEIGHT_API_KEY')).toEqual([1, after + 1, after + 2]);
  });
});

describe('key files', () => {
  it.each([
    ['plain', "'plain'", "'plain'"],
    ["it's", "'it'\\''s'", "'it\\'s'"],
    ['back\\slash', "'back\\slash'", "'back\\\\slash'"],
    ['$(id)`id`;&|<>*?~ #', "'$(id)`id`;&|<>*?~ #'", "'$(id)`id`;&|<>*?~ #'"],
  ])('quotes %j for sh and fish', (key, sh, fish) => {
    expect(shSingleQuote(key)).toBe(sh);
    expect(fishSingleQuote(key)).toBe(fish);
  });

  it('writes an export line that reads back to the same key', () => {
    for (const key of ['sk-abc', "a'b", "''", 'x\\y']) {
      expect(readKeyFromPosixFile(renderPosixKeyFile(key))).toBe(key);
    }
    expect(renderFishKeyFile('sk-abc')).toContain("set -gx LIGHTWEIGHT_API_KEY 'sk-abc'\n");
    // The exact bytes: a header that says what the file is, the one line, a final newline.
    const header = '# Lightweight API key for the Codex CLI, written by lightweight-setup.\n# Private (0600): never commit it. `npx lightweight-setup uninstall` removes it.\n';
    expect(renderPosixKeyFile("it's")).toBe(`${header}export LIGHTWEIGHT_API_KEY='it'\\''s'\n`);
    expect(renderFishKeyFile("it's\\")).toBe(`${header}set -gx LIGHTWEIGHT_API_KEY 'it\\'s\\\\'\n`);
  });
});

describe('shells', () => {
  it.each([
    ['/bin/bash', 'bash'],
    ['/usr/local/bin/zsh', 'zsh'],
    ['/usr/bin/fish', 'fish'],
    ['/bin/sh', 'sh'],
    ['/bin/dash', 'sh'],
    ['/bin/ksh', 'sh'],
    ['/bin/tcsh', undefined],
    ['/usr/bin/nu', undefined],
  ])('$SHELL=%s is %s', (path, shell) => expect(parseShell(path)).toBe(shell));

  it('has no shell without $SHELL', () => expect(detectShell({})).toBeUndefined());

  it.each([
    ['bash', 'linux', {}, '/home/ann/.bashrc'],
    // Non-login interactive bash everywhere; login shells (macOS Terminal, ssh) get bashLoginFile too.
    ['bash', 'darwin', {}, '/home/ann/.bashrc'],
    ['zsh', 'linux', {}, '/home/ann/.zshrc'],
    ['zsh', 'darwin', { ZDOTDIR: '/home/ann/.config/zsh' }, '/home/ann/.config/zsh/.zshrc'],
    ['fish', 'linux', {}, '/home/ann/.config/fish/conf.d/lightweight.fish'],
    ['fish', 'linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg/fish/conf.d/lightweight.fish'],
    ['sh', 'linux', {}, '/home/ann/.profile'],
  ] as const)('%s on %s (%j) uses %s', (shell, platform, env, file) => {
    expect(rcFileFor(shell, { home: HOME, platform, env })).toBe(file);
  });

  it.each([
    [['.bash_profile', '.profile'], 'linux', '/home/ann/.bash_profile'],
    [['.bash_login', '.profile'], 'linux', '/home/ann/.bash_login'],
    [['.profile'], 'darwin', '/home/ann/.profile'],
    [[], 'linux', '/home/ann/.profile'],
    [[], 'darwin', '/home/ann/.bash_profile'],
  ] as const)('a bash login shell with %j on %s reads %s', (present, platform, file) => {
    expect(bashLoginFile(HOME, platform, (p) => (present as readonly string[]).some((n) => p === `${HOME}/${n}`))).toBe(file);
  });

  it.each([
    ['[ -f ~/.bashrc ] && . ~/.bashrc', true],
    ['if [ -f "$HOME/.bashrc" ]; then\n    . "$HOME/.bashrc"\nfi', true],
    ['source ~/.bashrc', true],
    ['test -r ${HOME}/.bashrc && source ${HOME}/.bashrc # keep', true],
    ['# . ~/.bashrc', false],
    ['export BASHRC=~/.bashrc', false],
    ['. ~/.bashrc_local', false],
    ['. ~/.profile', false],
    ['', false],
    ['.  ~/.bashrc', true],
    ['. ~/.bashrc#no space before the comment', true],
    ['# . ~/.bashrc\r\nexport X=1\r\n', false],
    ['. ~/.bashrc\r\n', true],
  ])('sourcesBashrc(%j) is %s', (text, yes) => expect(sourcesBashrc(text)).toBe(yes));
});
