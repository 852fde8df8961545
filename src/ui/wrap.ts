/** Fitting text to a terminal's width: pure, and free of dependencies, so the entry point can use it too. */

/**
 * Wraps prose at word boundaries to `width`, continuing lines with `indent`. A word longer than
 * the width (a path, a URL) stays whole on its own line: broken, it could not be copied.
 */
export function wrapText(text: string, width: number, indent = ''): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    const lead = /^\s*/.exec(para)![0];
    let line = lead;
    for (const word of para.slice(lead.length).split(/ +/)) {
      const empty = line === lead || line === indent;
      const next = empty ? `${line}${word}` : `${line} ${word}`;
      if (visibleLength(next) <= width || empty) line = next;
      else {
        out.push(line);
        line = `${indent || lead}${word}`;
      }
    }
    out.push(line);
  }
  return out.join('\n');
}

export function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/** A line cut to `width` with an ellipsis: for code in a review, where a wrap would break it mid-word. */
export function truncate(text: string, width: number): string {
  return visibleLength(text) <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}
