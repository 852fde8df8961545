/** Codex's login store ($CODEX_HOME/auth.json), as the base-URL layout needs it. */

export interface AuthState {
  kind: 'none' | 'apikey' | 'chatgpt' | 'unknown';
  apiKey?: string;
}

export function readAuthState(text: string | undefined): AuthState {
  if (text === undefined || text.trim() === '') return { kind: 'none' };
  try {
    const j = JSON.parse(text) as { auth_mode?: unknown; OPENAI_API_KEY?: unknown; tokens?: unknown };
    if (j.tokens || j.auth_mode === 'chatgpt' || j.auth_mode === 'chatgptAuthTokens') return { kind: 'chatgpt' };
    if (typeof j.OPENAI_API_KEY === 'string') return { kind: 'apikey', apiKey: j.OPENAI_API_KEY };
    return { kind: 'unknown' };
  } catch {
    return { kind: 'unknown' };
  }
}

/** The same document `codex login --with-api-key` writes (verified with Codex 0.171). */
export function renderAuthJson(key: string): string {
  return JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: key }, null, 2);
}

/** Codex's login store before the tool first wrote it: its text, or null when there was none. */
export interface AuthBefore {
  text: string | null;
  mode: number;
}

export function renderAuthBefore(b: AuthBefore): string {
  return `${JSON.stringify(b)}\n`;
}

export function parseAuthBefore(text: string | undefined): AuthBefore | undefined {
  if (!text) return undefined;
  try {
    const j = JSON.parse(text) as AuthBefore;
    return (j.text === null || typeof j.text === 'string') && typeof j.mode === 'number' ? { text: j.text, mode: j.mode & 0o600 } : undefined;
  } catch {
    return undefined;
  }
}
