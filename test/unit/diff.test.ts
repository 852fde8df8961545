import { describe, expect, it } from 'vitest';
import { diffLines, unifiedDiff } from '../../src/diff.js';

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

  it('produces an edit script that rebuilds the new text', () => {
    const a = 'a b c d e f g'.split(' ');
    const b = 'a x c d y f g z'.split(' ');
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.kind !== '-').map((o) => o.line)).toEqual(b);
    expect(ops.filter((o) => o.kind !== '+').map((o) => o.line)).toEqual(a);
  });
});
