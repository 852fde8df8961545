/**
 * A throwaway machine for one test: a temp HOME (with its own CODEX_HOME and config dirs),
 * an environment built from scratch (so the developer's LIGHTWEIGHT_*, proxies and colours
 * cannot leak in), and helpers to run the built CLI and to fingerprint the whole tree.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { runProcess, type ProcessOptions, type ProcessResult } from './process.js';
import { scratchDir } from './scratch.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = { lightweight: join(ROOT, 'bin/lightweight.cjs'), setup: join(ROOT, 'bin/lightweight-setup.cjs') };
/**
 * The real Codex CLIs the tests run, pinned in package.json: the current one, and 0.117.0 (the last
 * without provider auth commands) under an npm alias. Both packages call their bin `codex`, so
 * node_modules/.bin/codex is whichever npm linked last: tests put a directory of their own on PATH.
 */
export const CODEX_VERSIONS = { current: '0.171.0', legacy: '0.117.0' } as const;
const CODEX_PACKAGES: Record<string, string> = { '0.171.0': '@openai/codex', '0.117.0': 'codex-0117' };

/** A directory holding only a `codex` that is the given version's launcher. */
export function codexBinDir(version: string = CODEX_VERSIONS.current): string {
  const dir = join(ROOT, '.vitest-tmp', `codex-${version}`);
  const link = join(dir, 'codex');
  if (!existsSync(link)) {
    mkdirSync(dir, { recursive: true });
    try {
      symlinkSync(join(ROOT, 'node_modules', CODEX_PACKAGES[version]!, 'bin/codex.js'), link);
    } catch {
      // Another test file made it first.
    }
  }
  return dir;
}
export const CODEX_BIN_DIR = codexBinDir();
/**
 * `lightweight` and `lightweight-setup` on PATH, linked to this checkout's bins, as `npm install -g`
 * links them: the tool then prints its commands as `lightweight …`, the installed form. (Started
 * from a path that is not on PATH, it prints `node <path> …`; the npx tests cover npx's form.)
 */
export const TOOL_BIN_DIR = (() => {
  const dir = join(ROOT, '.vitest-tmp', 'tool-bin');
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of [['lightweight', BIN.lightweight], ['lightweight-setup', BIN.setup]] as const) {
    try {
      symlinkSync(target, join(dir, name));
    } catch {
      // Already there (another test file made it first).
    }
  }
  return dir;
})();
/** Directories with node, the tool's bins and the usual system tools, but no codex. */
export const SYSTEM_PATH = [dirname(process.execPath), TOOL_BIN_DIR, '/usr/local/bin', '/usr/bin', '/bin'].join(':');

let copied: typeof BIN | undefined;
/**
 * The built CLI copied where any user can read it (bin/ and dist/ in a fresh folder under the
 * system's temporary directory, modes 0755/0644), for tests that run it as another user: the
 * checkout itself may sit in a folder only its owner can enter.
 */
export function readableBins(): typeof BIN {
  if (copied) return copied;
  const dir = scratchDir('lw-bins-');
  chmodSync(dir, 0o755);
  for (const sub of ['bin', 'dist']) cpSync(join(ROOT, sub), join(dir, sub), { recursive: true });
  const open = (p: string) => {
    const st = lstatSync(p);
    chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const n of readdirSync(p)) open(join(p, n));
  };
  open(join(dir, 'bin'));
  open(join(dir, 'dist'));
  copied = { lightweight: join(dir, 'bin/lightweight.cjs'), setup: join(dir, 'bin/lightweight-setup.cjs') };
  return copied;
}

export interface RunOptions extends Omit<ProcessOptions, 'env' | 'cwd'> {
  env?: NodeJS.ProcessEnv;
  bin?: keyof typeof BIN;
}

export class Sandbox {
  readonly root: string;
  readonly home: string;
  env: NodeJS.ProcessEnv;

  constructor(opts: { shell?: string } = {}) {
    // realpath: macOS-style /tmp symlinks must not make paths compare unequal.
    this.root = realpathSync(scratchDir('lw-sandbox-'));
    this.home = join(this.root, 'home');
    mkdirSync(this.home, { mode: 0o755 });
    this.env = {
      HOME: this.home,
      PATH: SYSTEM_PATH,
      SHELL: opts.shell ?? '/bin/bash',
      NO_COLOR: '1',
      LANG: 'C.UTF-8',
      TMPDIR: tmpdir(),
    };
  }

  path(...parts: string[]): string {
    return join(this.home, ...parts);
  }

  read(rel: string): string {
    return readFileSync(this.path(rel), 'utf8');
  }

  /** Codex's config.toml (or `rel`) as parsed TOML, for asserting on values rather than bytes. */
  config(rel = '.codex/config.toml'): Record<string, any> {
    return parse(this.read(rel)) as Record<string, any>;
  }

  write(rel: string, content: string, mode = 0o644): string {
    const p = this.path(rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    chmodSync(p, mode);
    return p;
  }

  mode(rel: string): number {
    return lstatSync(this.path(rel)).mode & 0o7777;
  }

  /**
   * A stand-in `codex` on PATH: answers --version, `doctor --json` (with the report given)
   * and `login --with-api-key` (writing auth.json as Codex does), and logs every call's
   * arguments and standard input, so tests can prove the key never rides in argv.
   */
  fakeCodex(opts: { doctor?: object } = {}): { log: string; calls(): string } {
    const bin = join(this.root, 'fakebin');
    mkdirSync(bin, { recursive: true });
    const log = join(this.root, 'codex-calls.log');
    const report = join(this.root, 'codex-doctor.json');
    writeFileSync(report, JSON.stringify(opts.doctor ?? { schemaVersion: 1, codexVersion: '0.171.0', checks: { 'config.load': { status: 'ok', summary: 'config loaded' }, 'auth.credentials': { status: 'ok', summary: 'auth is configured' } } }));
    writeFileSync(
      join(bin, 'codex'),
      [
        '#!/bin/sh',
        `printf 'argv:%s\\n' "$*" >> '${log}'`,
        'case "$1" in',
        '  --version) echo "codex-cli 0.171.0" ;;',
        `  doctor) cat '${report}' ;;`,
        `  login) key=$(cat); printf 'stdin:%s\\n' "$key" >> '${log}'; printf '{"auth_mode":"apikey","OPENAI_API_KEY":"%s"}' "$key" > "$CODEX_HOME/auth.json" ;;`,
        'esac',
        '',
      ].join('\n'),
    );
    chmodSync(join(bin, 'codex'), 0o755);
    this.env = { ...this.env, PATH: `${bin}:${this.env.PATH}` };
    return { log, calls: () => (existsSync(log) ? readFileSync(log, 'utf8') : '') };
  }

  withCodex(version: string = CODEX_VERSIONS.current): this {
    this.env = { ...this.env, PATH: `${codexBinDir(version)}:${SYSTEM_PATH}` };
    return this;
  }

  /** Every file, directory and symlink under HOME with its mode and content hash. */
  tree(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        const st = lstatSync(p);
        const rel = p.slice(this.home.length + 1);
        const mode = (st.mode & 0o7777).toString(8);
        if (st.isSymbolicLink()) out[rel] = `link ${readlinkSync(p)}`;
        else if (st.isDirectory()) {
          out[rel] = `dir ${mode}`;
          walk(p);
        } else if (st.isFile()) out[rel] = `file ${mode} ${createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 16)}`;
        // A FIFO or socket is never opened: reading one would block.
        else out[rel] = `special ${mode}`;
      }
    };
    walk(this.home);
    return out;
  }

  run(args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
    // Another user may not be able to read the checkout (a clone in a 0700 folder): they run a copy.
    const bins = opts.uid !== undefined ? readableBins() : BIN;
    return runProcess(process.execPath, [bins[opts.bin ?? 'lightweight'], ...args], { ...opts, cwd: this.home, env: { ...this.env, ...opts.env } });
  }

  /** `lightweight setup --yes --api-key-stdin ...` with the key piped in. */
  setup(key: string, args: string[], opts: RunOptions = {}): Promise<ProcessResult> {
    return this.run(['setup', '--yes', '--api-key-stdin', ...args], { ...opts, input: `${key}\n` });
  }
}
