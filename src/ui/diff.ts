/** Unified diffs for `--dry-run` and the reviews (the `diff` package's patch, file headers only). */
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * A unified diff of two texts, or '' when they are the same. Line endings are compared without
 * their `\r`, so a CRLF file shows the lines that changed rather than a wall of `^M`.
 */
export function unifiedDiff(before: string, after: string, fromLabel: string, toLabel: string, context = 3): string {
  if (before === after) return '';
  const lf = (t: string) => t.replace(/\r\n/g, '\n');
  return createTwoFilesPatch(fromLabel, toLabel, lf(before), lf(after), undefined, undefined, { context, headerOptions: FILE_HEADERS_ONLY });
}
