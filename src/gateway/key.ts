import { CliError } from '../errors.js';

/** Longest key accepted: real keys are far shorter, so more is a paste of something else. */
export const MAX_KEY_LENGTH = 4096;

/**
 * Checks a key before it goes anywhere. Only printable ASCII is accepted so that the key
 * can be quoted inertly for every shell and never smuggles a newline into a file.
 */
export function validateKey(input: string, source: string): string {
  const key = input.trim();
  if (key === '') throw new CliError(`The API key from ${source} is empty.`, 2);
  if (key.length > MAX_KEY_LENGTH) {
    throw new CliError(`The API key from ${source} is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are accepted.`, 2, 'Check that you pasted the key and nothing else.');
  }
  const bad = key.search(/[^\x20-\x7e]/);
  if (bad !== -1) {
    throw new CliError(
      `The API key from ${source} contains a character outside printable ASCII at position ${bad + 1}.`,
      2,
      'Copy the key again from the Lightweight dashboard; keys are plain ASCII.',
    );
  }
  return key;
}

export interface NormalizedKey {
  key: string;
  /** What was taken off around the key, to tell the user (empty when it was pasted clean). */
  removed: string[];
}

/**
 * The key out of what people paste: the dashboard's key, but also `Bearer <key>`, `"<key>"`,
 * `LIGHTWEIGHT_API_KEY=<key>` or the page's `export LIGHTWEIGHT_API_KEY=<key>` line. The wrapping
 * is taken off (and reported); what is left must be one word of printable ASCII, or it is
 * refused: a key with a space inside would be sent as typed and rejected.
 */
export function normalizeKey(input: string, source: string): NormalizedKey {
  const removed: string[] = [];
  let key = input.trim();
  for (let changed = true; changed; ) {
    changed = false;
    const strip = (re: RegExp, what: string) => {
      const m = re.exec(key);
      if (!m) return;
      // Each pattern ends by consuming the whitespace after it: nothing to trim.
      key = key.slice(m[0].length);
      if (!removed.includes(what)) removed.push(what);
      changed = true;
    };
    strip(/^export\s+/, 'the `export` in front');
    strip(/^LIGHTWEIGHT_API_KEY\s*=\s*/, 'the `LIGHTWEIGHT_API_KEY=` in front');
    strip(/^(authorization:\s*)?bearer\s+/i, 'the "Bearer " in front');
    const quoted = /^(["'])(.*)\1$/s.exec(key);
    if (quoted) {
      key = quoted[2]!.trim();
      if (!removed.includes('the quotes around it')) removed.push('the quotes around it');
      changed = true;
    }
  }
  if (/^bearer$/i.test(key)) throw new CliError(`The API key from ${source} is only the word "Bearer".`, 2, 'Paste the key itself, as the Lightweight dashboard shows it; nothing was written.');
  const space = key.search(/\s/);
  if (space !== -1) {
    throw new CliError(
      `The API key from ${source} has a space in it (at position ${space + 1}), so it is not one key.`,
      2,
      'Paste the key alone, as the Lightweight dashboard shows it; nothing was written.',
    );
  }
  return { key: validateKey(key, source), removed };
}

/** What the user sees instead of a key: the last four characters, and only when that gives little away. */
export function maskKey(key: string): string {
  return key.length >= 12 ? `****${key.slice(-4)}` : '****';
}

/** Replaces every occurrence of the key in text meant for the screen. */
export function redact(text: string, key: string | undefined): string {
  if (!key) return text;
  return text.split(key).join(maskKey(key));
}

/**
 * A copy of a verdict (or any plain record) with the key masked in every string it holds: what
 * comes back from the gateway or Codex may echo the key ("Incorrect API key provided: <key>").
 */
export function redactAll<T>(value: T, key: string | undefined): T {
  if (!key) return value;
  if (typeof value === 'string') return redact(value, key) as T;
  if (Array.isArray(value)) return value.map((v) => redactAll(v, key)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactAll(v, key)])) as T;
  return value;
}
