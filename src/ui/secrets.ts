/**
 * Nothing secret is printed: every diff and listing goes through here. A value is masked when
 * its name is secret-shaped (token, key, secret, password, bearer, authorization), whatever the
 * file; Codex's login store (auth.json) is masked whole, since every value in it is a credential.
 */
import { maskKey } from '../gateway/key.js';

/** Names whose values are credentials. `env_key` names a variable, not a secret: it stays readable. */
const SECRET_NAME = /(token|secret|passw(or)?d|bearer|authorization|api[_-]?key|apikey|access[_-]?key|private[_-]?key|_key$|^key$|credential)/i;
const NOT_SECRET = new Set(['env_key', 'env_key_instructions', 'model_catalog_json']);

export function isSecretName(name: string): boolean {
  const bare = name.replace(/^["']|["']$/g, '');
  return !NOT_SECRET.has(bare) && SECRET_NAME.test(bare);
}

const mask = (quote: string, value: string) => `${quote}${maskKey(value)}${quote}`;

/**
 * Masks the values of secret-shaped names in shell (`export NAME=value`, `set -gx NAME value`),
 * TOML and JSON (`name = "value"`, `"name": "value"`) text; `Bearer <token>` anywhere.
 */
export function maskSecretValues(text: string): string {
  return (
    text
      // name = "value" | name: "value" | NAME='value' | NAME=value | set -gx NAME 'value'
      .replace(/((?:^|[\s{,;])(?:export\s+|set\s+(?:-[a-zA-Z]+\s+)*)?)("?[A-Za-z0-9_.-]+"?)(\s*[=:]\s*|\s+)("((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.|'\\'')*)'|([^\s"',}#;]+))/gm, (all, pre: string, name: string, sep: string, _v: string, dq?: string, sq?: string, bare?: string) => {
        // `Authorization: Bearer <token>`: the token is masked below, keeping the word.
        if (!isSecretName(name) || (bare !== undefined && /^bearer$/i.test(bare))) return all;
        // Already masked (the new key, shown as ****cdef): kept, so its last four still tell keys apart.
        if (/^\*{4}/.test(dq ?? sq ?? bare ?? '')) return all;
        if (/^\s+$/.test(sep) && !/^(export|set)/.test(pre.trim()) && !pre.includes('set')) return all;
        if (dq !== undefined) return `${pre}${name}${sep}${mask('"', dq)}`;
        if (sq !== undefined) return `${pre}${name}${sep}${mask("'", sq)}`;
        return `${pre}${name}${sep}${maskKey(bare!)}`;
      })
      .replace(/(\bBearer\s+)([A-Za-z0-9._~+/=-]{8,})/g, (_a, b: string, t: string) => `${b}${maskKey(t)}`)
  );
}

/** Every string value of a JSON document masked, keys kept: the shape of auth.json without its credentials. */
export function maskAllJsonValues(text: string): string {
  return text.replace(/(:\s*)"((?:[^"\\]|\\.)*)"/g, (all, sep: string, v: string) => (/^\*{4}/.test(v) ? all : `${sep}"${maskKey(v)}"`));
}

/**
 * The text of a file as it may be shown. `secret`: a file the tool keeps a key in, where a line may
 * be the key alone (Windows' key file holds nothing else): every word no name masked is masked too.
 */
export function maskFile(path: string, text: string, secret = false): string {
  if (/(^|[\\/])auth\.json$/.test(path)) return maskAllJsonValues(text);
  const masked = maskSecretValues(text);
  return secret ? masked.replace(/^([ \t]*)(\S{8,})([ \t]*)$/gm, (all, a: string, word: string, b: string) => (/^\*{4}/.test(word) ? all : `${a}${maskKey(word)}${b}`)) : masked;
}
