import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  findBlocks,
  foreignKeyLines,
  quotePathForShell,
  removeBlocks,
  sourcesBashrc,
  renderBlock,
  sourceLine,
  upsertBlock,
} from '../../src/shell/rc.js';
import { fishSingleQuote, readKeyFromPosixFile, renderFishKeyFile, renderPosixKeyFile, shSingleQuote } from '../../src/shell/keyfile.js';
import { bashLoginFile, detectShell, parseShell, rcFileFor } from '../../src/shell/detect.js';

const HOME = '/home/ann';
const KEYFILE = '/home/ann/.config/lightweight/env';
const block = renderBlock('bash', KEYFILE, HOME);

describe('rc block rendering', () => {
  it('is byte for byte what the docs promise (sh family)', () => {
    expect(block).toBe(
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
  it.each([
    ['a missing file', '', false, block, 'created'],
    ['an empty file', '', true, block, 'appended'],
    ['a file with a final newline', 'alias ll=ls\n', true, `alias ll=ls\n\n${block}`, 'appended'],
    ['a file without one (which keeps lacking one)', 'alias ll=ls', true, `alias ll=ls\n\n${block.trimEnd()}`, 'appended'],
    ['a file ending in a blank line', 'alias ll=ls\n\n', true, `alias ll=ls\n\n\n${block}`, 'appended'],
    ['a file that has the block already', `a\n\n${block}b\n`, true, `a\n\n${block}b\n`, 'unchanged'],
  ])('%s', (_n, text, existed, expected, action) => {
    expect(upsertBlock(text, block, 'rc', existed)).toEqual({ text: expected, action });
  });

  it('replaces an old block in place and drops duplicates', () => {
    const old = `${BLOCK_START}\nexport LIGHTWEIGHT_API_KEY=old\n${BLOCK_END}\n`;
    const r = upsertBlock(`a\n${old}b\n${old}c\n`, block, 'rc', true);
    expect(r).toEqual({ text: `a\n${block}b\nc\n`, action: 'replaced' });
  });

  it('keeps CRLF files CRLF', () => {
    const crlf = renderBlock('bash', KEYFILE, HOME, '\r\n');
    expect(upsertBlock('a\r\n', crlf, 'rc', true).text).toBe(`a\r\n\r\n${crlf}`);
    expect(findBlocks(`a\r\n\r\n${crlf}`, 'rc')).toHaveLength(1);
  });

  it('running it again never adds a second block', () => {
    let text = 'export PATH=$PATH:~/bin\n';
    for (let i = 0; i < 3; i++) text = upsertBlock(text, block, 'rc', true).text;
    expect(findBlocks(text, 'rc')).toHaveLength(1);
  });

  it('refuses a block without its end marker, naming the line', () => {
    expect(() => upsertBlock(`a\n${BLOCK_START}\nb\n`, block, '~/.bashrc', true)).toThrowError(/^~\/\.bashrc:2: /);
  });

  it.each(['', 'a\n', 'a', 'a\n\n', 'a\n\n# user comment\n', 'a\r\nb\r\n', 'a\r\nb'])('removal exactly undoes insertion into %j', (original) => {
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const withBlock = upsertBlock(original, renderBlock('bash', KEYFILE, HOME, eol), 'rc', true).text;
    expect(removeBlocks(withBlock, 'rc')).toBe(original);
  });

  it('removal leaves what the user added after the block', () => {
    expect(removeBlocks(`a\n\n${block}b\n`, 'rc')).toBe('a\n\nb\n');
  });

  it('finds lines that set the key outside the block', () => {
    const text = `export LIGHTWEIGHT_API_KEY=sk-1\n${block}LIGHTWEIGHT_API_KEY=x\nset -gx LIGHTWEIGHT_API_KEY y\n# LIGHTWEIGHT_API_KEY in a comment\n`;
    const after = block.split('\n').length; // the block's lines, and the line after it
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
  ])('sourcesBashrc(%j) is %s', (text, yes) => expect(sourcesBashrc(text)).toBe(yes));
});
