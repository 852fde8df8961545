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
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new CliError(
        `The API key from ${source} contains a character outside printable ASCII at position ${i + 1}.`,
        2,
        'Copy the key again from the Lightweight dashboard; keys are plain ASCII.',
      );
    }
  }
  return key;
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
