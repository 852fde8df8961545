/**
 * Where Windows and POSIX differ, in one place: the home and the tool's own folder, the key file
 * and how Codex reads it (the auth command), how new terminals get LIGHTWEIGHT_API_KEY (a block
 * in a shell startup file, or a user environment variable), whether file modes say who can read
 * a file, and how a value is quoted in a command the user is told to run. Commands ask the
 * platform they run on (`platformOf(io.platform)`); nothing else tests `process.platform`.
 */
import { posixPlatform } from './posix.js';
import { windowsPlatform } from './windows.js';
import type { Platform } from './types.js';

export type { AuthCommand } from './common.js';
export type { KeyFiles, Platform } from './types.js';

export function platformOf(platform: NodeJS.Platform): Platform {
  return platform === 'win32' ? windowsPlatform : posixPlatform;
}

/** The platform this process runs on. */
export const HERE: Platform = platformOf(process.platform);
