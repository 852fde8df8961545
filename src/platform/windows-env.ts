/**
 * LIGHTWEIGHT_API_KEY as a variable of the Windows user's environment (HKCU\Environment), the
 * Windows counterpart of the shell block: new terminals get it from there. The key never goes on
 * a command line (`reg add /d <key>` and `setx` would put it there, visible to every process):
 * it is written with `reg import` from a file in the tool's private folder, removed at once.
 * Programs started from Explorer see a change once Explorer rereads the environment: `setx` with
 * a harmless value (the key file's path) makes it do so, as it broadcasts the change.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { win32 } from 'node:path';
import { KEY_VAR } from './common.js';
import { system32 } from './windows.js';

const ENV_KEY = 'HKCU\\Environment';
/** Names the key file for tools that want it, and gives `setx` a value to set that is no secret. */
export const KEY_FILE_VAR = 'LIGHTWEIGHT_KEY_FILE';

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function runTool(env: NodeJS.ProcessEnv, exe: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(system32(env, exe), args, { env, timeout: 15_000, windowsHide: true, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && typeof (err as { code?: unknown }).code !== 'number' ? err.message : '') });
    });
  });
}

/** Pure: the value of `name` in `reg query` output, or undefined. */
export function parseRegQuery(stdout: string, name: string): string | undefined {
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s+(\S+)\s+REG_(?:EXPAND_)?SZ\s{2,}(.*)$/.exec(line) ?? /^\s+(\S+)\s+REG_(?:EXPAND_)?SZ\s*$/.exec(line);
    if (m && m[1]!.toUpperCase() === name.toUpperCase()) return m[2] ?? '';
  }
  return undefined;
}

/** Pure: a .reg file (UTF-16LE with its BOM, as regedit writes them) that sets one user variable. */
export function regFileSetting(name: string, value: string): Buffer {
  const esc = (s: string) => s.replace(/[\\"]/g, (c) => `\\${c}`);
  const text = `\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Environment]\r\n"${esc(name)}"="${esc(value)}"\r\n\r\n`;
  return Buffer.from(text, 'utf16le');
}

/** The user variable's value, undefined when it is not set; an error when the registry cannot be read. */
export async function readUserVariable(env: NodeJS.ProcessEnv, name: string = KEY_VAR): Promise<{ value?: string; error?: string }> {
  const r = await runTool(env, 'reg.exe', ['query', ENV_KEY, '/v', name]);
  if (r.code !== 0) return /unable to find|not find|cannot find/i.test(r.stdout + r.stderr) || r.code === 1 ? {} : { error: (r.stderr || r.stdout).trim() };
  const value = parseRegQuery(r.stdout, name);
  return value === undefined ? {} : { value };
}

/**
 * Sets LIGHTWEIGHT_API_KEY for the user: the key goes through a file in `privateDir` (the key
 * file's own folder), never through a command line. Throws with reg.exe's words when it fails.
 */
export async function setUserKeyVariable(env: NodeJS.ProcessEnv, key: string, privateDir: string, keyFile: string): Promise<void> {
  const file = win32.join(privateDir, `.set-${randomBytes(6).toString('hex')}.reg`);
  await fs.writeFile(file, regFileSetting(KEY_VAR, key), { mode: 0o600, flag: 'wx' });
  let r: Ran;
  try {
    r = await runTool(env, 'reg.exe', ['import', file]);
  } finally {
    await fs.rm(file, { force: true });
  }
  if (r.code !== 0) throw new Error(`reg import failed (exit ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  // The broadcast that makes Explorer (and what it starts later) reread the user's environment.
  await runTool(env, 'setx.exe', [KEY_FILE_VAR, keyFile]);
}

/** Removes the tool's user variables (uninstall's plan has already read whether the key one is there). */
export async function removeUserKeyVariable(env: NodeJS.ProcessEnv): Promise<void> {
  for (const name of [KEY_VAR, KEY_FILE_VAR]) await runTool(env, 'reg.exe', ['delete', ENV_KEY, '/v', name, '/f']);
}
