import { applyPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/ui/diff.js';
import { truncate, wrapText } from '../../src/ui/wrap.js';

describe('unified diff', () => {
  it('is empty for equal texts', () => expect(unifiedDiff('a\n', 'a\n', 'a', 'b')).toBe(''));

  it('shows a new file', () => {
    expect(unifiedDiff('', 'x\ny\n', '/dev/null', 'b/f')).toBe('--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });

  it('shows a change with context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const b = a.replace('5', 'five');
    expect(unifiedDiff(a, b, 'a/f', 'b/f')).toBe('--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n');
  });

  it('keeps distant changes in separate hunks', () => {
    const a = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l2\n', 'L2\n').replace('l27\n', 'L27\n');
    const d = unifiedDiff(a, b, 'a', 'b');
    expect(d.match(/^@@/gm)).toHaveLength(2);
  });

  it('is a patch that rebuilds the new text from the old one', () => {
    const a = 'a b c d e f g'.split(' ').join('\n') + '\n';
    const b = 'a x c d y f g z'.split(' ').join('\n') + '\n';
    expect(applyPatch(a, unifiedDiff(a, b, 'a', 'b'))).toBe(b);
  });

  it('shows a CRLF file\'s changed lines without carriage returns', () => {
    expect(unifiedDiff('a\r\nb\r\n', 'a\r\nc\r\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });
});

describe('text for a terminal', () => {
  it.each([
    ['short', 20, '', 'short'],
    ['one two three four', 9, '', 'one two\nthree\nfour'],
    ['✓ Created ~/.bashrc: it loads the key file', 20, '  ', '✓ Created ~/.bashrc:\n  it loads the key\n  file'],
    ['  1. Run: codex (it reads the key)', 16, '     ', '  1. Run: codex\n     (it reads\n     the key)'],
    ['a https://very.long.example/path/that/does/not/fit b', 12, '', 'a\nhttps://very.long.example/path/that/does/not/fit\nb'],
    ['keep\n  indented lines', 40, '', 'keep\n  indented lines'],
  ])('wrapText(%j, %i) breaks only between words', (text, width, indent, want) => expect(wrapText(text, width, indent)).toBe(want));

  it.each([
    ['fits', 10, 'fits'],
    ['args = ["-c", "f=...long"]', 12, 'args = ["-c…'],
  ])('truncate(%j, %i) is %j', (text, width, want) => expect(truncate(text, width)).toBe(want));
});
