/**
 * The Windows tier: the built CLI run by the Windows Node.js under Wine, as `npx
 * lightweight-setup` runs it on Windows, against the stand-in gateway on 127.0.0.1, with the real
 * Windows Codex (codex.exe 0.171.0) answering through the setup it wrote. One Wine prefix for the
 * file; each test has its own Windows profile (a name with a space) and leaves the user's
 * environment variables as it found them. Skips, with the reason in the test's name, where Wine
 * or the Windows programs are not prepared (scripts/windows-tier.sh; .ci/run runs it).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetStandIn } from '../support/standin.js';
import { responsesPosts, startGateway, type StandIn } from '../support/gateway.js';
import { WinePrefix, wineSkipReason, type WinUser } from '../support/wine.js';
import { Terminal } from '../support/tmux.js';

const skip = wineSkipReason();
const KEY = 'sk-lw-windows-0123456789abcdef';
const OTHER_KEY = 'sk-lw-windows-fedcba9876543210';
const CODEX_EXE = 'C:\\npm\\node_modules\\@openai\\codex\\node_modules\\@openai\\codex-win32-x64\\vendor\\x86_64-pc-windows-msvc\\bin\\codex.exe';

if (skip) {
  // Said, never silent: the skipped test's name carries the reason, and so does the run's output.
  console.warn(`Windows tier skipped: ${skip}`);
  describe('Windows tier', () => it.skip(`skipped: ${skip}`, () => {}));
} else {
  describe('Windows (Wine 8, Windows Node.js 20, codex.exe 0.171.0)', () => {
    let wine: WinePrefix;
    let gw: StandIn;
    let user: WinUser;
    const file = (rel: string) => join(user.linuxHome, ...rel.split('\\'));
    const read = (rel: string) => readFileSync(file(rel), 'utf8');
    const setup = (args: string[], stdin = `${KEY}\n`) => wine.cli(user, ['--yes', '--api-key-stdin', '--base-url', gw.base, ...args], { stdin });
    const userVariable = async (name = 'LIGHTWEIGHT_API_KEY') => {
      const r = await wine.reg(user, ['query', 'HKCU\\Environment', '/v', name]);
      return r.code === 0 ? /REG_SZ\s+(.*)\r?$/m.exec(r.stdout)?.[1] : undefined;
    };
    const codexExec = () => wine.run(CODEX_EXE, ['exec', '--skip-git-repo-check', 'Say hi'], { env: user.env, cwd: user.home, timeoutMs: 120_000 });
    const doctor = async (args: string[] = []) => {
      const r = await wine.cli(user, ['doctor', '--json', ...args], { bin: 'lightweight' });
      const report = JSON.parse(r.stdout) as { ok: boolean; checks: { id: string; status: string; title: string; detail: string; fix: string; cause?: string }[] };
      return { r, report, check: (id: string) => report.checks.find((c) => c.id === id)! };
    };

    beforeAll(async () => {
      [wine, gw] = await Promise.all([WinePrefix.create(), startGateway()]);
      user = wine.user();
    }, 180_000);
    afterAll(async () => {
      wine?.close();
      await gw?.close();
    });
    afterEach(async () => {
      // One profile and one registry for the file's tests: each starts from a profile without the tool.
      await wine.reset(user);
      resetStandIn(gw);
    });

    it('setup --yes writes the provider table with a cmd.exe auth command, the key file and the user variable; codex.exe answers with that key', async () => {
      const r = await setup([]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const keyFile = `${user.home}\\AppData\\Local\\lightweight\\api-key.txt`;
      expect(readFileSync(wine.toLinux(keyFile), 'utf8')).toBe(KEY);
      const config = parse(read('.codex\\config.toml')) as Record<string, any>;
      expect(config.model_provider).toBe('lightweight');
      expect(config.model_providers.lightweight.auth).toEqual({ command: 'C:\\windows\\System32\\cmd.exe', args: ['/d', '/c', 'type', keyFile] });
      expect(await userVariable()).toBe(KEY);
      expect(r.stdout).toContain(`Created ${keyFile}`);
      expect(r.stdout).not.toContain(KEY);

      gw.requests.length = 0;
      const codex = await codexExec();
      expect(codex.code, codex.stderr).toBe(0);
      expect(codex.stdout).toContain(gw.answer);
      expect(responsesPosts(gw).map((p) => p.authorization)).toEqual([`Bearer ${KEY}`]);
    }, 240_000);

    it('setup --layout openai-base-url stores the key with codex.exe login (on stdin) and codex.exe answers with it; back to the provider table, the login store is as before, and restore puts it back', async () => {
      const r = await setup(['--layout', 'openai-base-url']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('codex login --with-api-key');
      const config = parse(read('.codex\\config.toml')) as Record<string, any>;
      expect(config.openai_base_url).toBe(gw.base);
      expect(JSON.parse(read('.codex\\auth.json')).OPENAI_API_KEY).toBe(KEY);
      gw.requests.length = 0;
      const codex = await codexExec();
      expect(codex.code, codex.stderr).toBe(0);
      expect(responsesPosts(gw).map((p) => p.authorization)).toEqual([`Bearer ${KEY}`]);

      const back = await setup(['--layout', 'model-providers']);
      expect(back.code, back.stderr).toBe(0);
      expect(existsSync(file('.codex\\auth.json'))).toBe(false);

      // restore puts Codex's login store back: a secret outside the tool's own folder, in a folder Windows reports as 0666.
      const restored = await wine.cli(user, ['restore', '--yes'], { bin: 'lightweight' });
      expect(restored.code, restored.stderr).toBe(0);
      expect(JSON.parse(read('.codex\\auth.json')).OPENAI_API_KEY).toBe(KEY);
      expect(restored.stdout + restored.stderr).not.toContain(KEY);
    });

    it('a CRLF config.toml with a BOM keeps both, and every byte of it comes back with uninstall; the user variable and the key folder go', async () => {
      const before = '\ufeff# my Codex settings\r\nmodel = "o3"\r\n\r\n[tui]\r\nnotifications = true # keep me\r\n';
      mkdirSync(file('.codex'), { recursive: true });
      writeFileSync(file('.codex\\config.toml'), before);
      const r = await setup(['--model', 'gpt-5.4']);
      expect(r.code, r.stderr).toBe(0);
      const after = read('.codex\\config.toml');
      expect(after.startsWith('\ufeff# my Codex settings\r\n')).toBe(true);
      expect(after.replace(/\r\n/g, '')).not.toMatch(/\n/);
      expect(after).toContain('notifications = true # keep me\r\n');
      expect(await userVariable()).toBe(KEY);

      const u = await wine.cli(user, ['uninstall', '--yes'], { bin: 'lightweight' });
      expect(u.code, u.stderr).toBe(0);
      expect(u.stdout).toContain("LIGHTWEIGHT_API_KEY in your user's environment variables: removed");
      expect(readFileSync(file('.codex\\config.toml'), 'utf8')).toBe(before);
      expect(await userVariable()).toBeUndefined();
      expect(await userVariable('LIGHTWEIGHT_KEY_FILE')).toBeUndefined();
      expect(existsSync(file('AppData\\Local\\lightweight'))).toBe(false);
    });

    it('doctor: healthy after setup, Codex\'s own verdict included; each broken piece is its own failure', async () => {
      expect((await setup([])).code).toBe(0);
      const ok = await doctor();
      expect(ok.r.code, ok.r.stdout + ok.r.stderr).toBe(0);
      expect(ok.check('auth-command').status).toBe('pass');
      expect(ok.check('auth-command').title).toContain('****cdef');
      expect(ok.check('api-key').title).toContain("your user's environment variables");
      expect(ok.check('key-file').status).toBe('pass');
      expect(ok.check('codex-config').status, JSON.stringify(ok.check('codex-config'))).toBe('pass');
      expect(ok.check('connectivity').status).toBe('pass');
      expect(ok.r.stdout).not.toContain(KEY);

      // The gateway no longer takes the key.
      gw.revoked.add(KEY);
      const revoked = await doctor();
      expect(revoked.r.code).toBe(1);
      expect(revoked.check('connectivity').cause).toBe('auth');
      // Codex agrees: it gets the same 401.
      expect((await codexExec()).code).not.toBe(0);
      gw.revoked.clear();

      // The user variable gone: Codex still reads the key file, so this is information.
      await wine.reg(user, ['delete', 'HKCU\\Environment', '/v', 'LIGHTWEIGHT_API_KEY', '/f']);
      const noVar = await doctor();
      expect(noVar.check('api-key').status).toBe('pass');
      expect(noVar.check('api-key').detail).toContain('new terminals do not have the variable');
      // And it is right that Codex does not need it: codex.exe still answers with the key.
      gw.requests.length = 0;
      const without = await codexExec();
      expect(without.code, without.stderr).toBe(0);
      expect(responsesPosts(gw).map((p) => p.authorization)).toEqual([`Bearer ${KEY}`]);

      // The key file gone: Codex's auth command, run as Codex runs it, fails.
      rmSync(file('AppData\\Local\\lightweight\\api-key.txt'));
      const noKey = await doctor();
      expect(noKey.r.code).toBe(1);
      expect(noKey.check('auth-command').status).toBe('fail');
      // Codex agrees: it runs the same command, gets no key and sends none.
      gw.requests.length = 0;
      expect((await codexExec()).code).not.toBe(0);
      expect(responsesPosts(gw).length).toBeGreaterThan(0);
      expect(responsesPosts(gw).filter((p) => p.authorization !== undefined)).toEqual([]);

      // A command in config.toml that is not the tool's is never run.
      writeFileSync(file('AppData\\Local\\lightweight\\api-key.txt'), KEY);
      const text = read('.codex\\config.toml').replace('"/d", "/c", "type"', '"/d", "/c", "echo pwned & type"');
      writeFileSync(file('.codex\\config.toml'), text);
      const foreign = await doctor();
      expect(foreign.check('auth-command').status).toBe('skip');
      expect(foreign.check('auth-command').title).toContain('one of your own');
    });

    it('use-preview and use-production switch the gateway and keep the key and auth command; restore puts back what the last run changed, and after a key change the user variable with the key file', async () => {
      expect((await setup([])).code).toBe(0);
      const first = read('.codex\\config.toml');
      const preview = await wine.cli(user, ['use-preview', '--no-verify'], { bin: 'lightweight' });
      expect(preview.code, preview.stderr).toBe(0);
      const p = parse(read('.codex\\config.toml')) as Record<string, any>;
      expect(p.model_providers.lightweight.base_url).toBe('https://preview.api.lightweight.one/v1');
      expect(p.model_providers.lightweight.auth).toEqual((parse(first) as Record<string, any>).model_providers.lightweight.auth);
      const production = await wine.cli(user, ['use-production', '--no-verify'], { bin: 'lightweight' });
      expect(production.code, production.stderr).toBe(0);
      expect((parse(read('.codex\\config.toml')) as Record<string, any>).model_providers.lightweight.base_url).toBe('https://api.lightweight.one/v1');

      const restored = await wine.cli(user, ['restore', '--yes'], { bin: 'lightweight' });
      expect(restored.code, restored.stderr).toBe(0);
      expect((parse(read('.codex\\config.toml')) as Record<string, any>).model_providers.lightweight.base_url).toBe('https://preview.api.lightweight.one/v1');
      expect(gw.requests.filter((q) => q.path !== '/v1/models' || q.method !== 'GET').length).toBe(0);

      // A key change, then restore: the user variable (what new terminals get) follows the key file back.
      const changed = await setup([], `${OTHER_KEY}\n`);
      expect(changed.code, changed.stderr).toBe(0);
      expect(await userVariable()).toBe(OTHER_KEY);
      const back = await wine.cli(user, ['restore', '--yes'], { bin: 'lightweight' });
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toContain(`LIGHTWEIGHT_API_KEY (your user's environment variables): back to ****${KEY.slice(-4)}`);
      // The preview shows the key file's change masked: the key alone is all that file holds.
      for (const k of [KEY, OTHER_KEY]) expect(back.stdout + back.stderr, back.stdout).not.toContain(k);
      expect(back.stdout).toContain(`+****${KEY.slice(-4)}`);
      expect(read('AppData\\Local\\lightweight\\api-key.txt')).toBe(KEY);
      expect(await userVariable()).toBe(KEY);
    });

    it('status and models work; --shell and --rc-file say they do not apply on Windows and change nothing', async () => {
      const again = await setup([]);
      expect(again.code, again.stderr).toBe(0);
      const st = await wine.cli(user, ['status', '--json'], { bin: 'lightweight' });
      expect(st.code, st.stderr).toBe(0);
      const report = JSON.parse(st.stdout);
      expect(report.key.kept).toBe(`${user.home}\\AppData\\Local\\lightweight\\api-key.txt`);
      expect(report.codex.version).toBe('0.171.0');
      const models = await wine.cli(user, ['models'], { bin: 'lightweight' });
      expect(models.code, models.stderr).toBe(0);
      expect(models.stdout).toContain('gpt-5.4-mini');

      const before = read('.codex\\config.toml');
      for (const flag of [['--shell', 'bash'], ['--rc-file', 'C:\\x\\profile.ps1']]) {
        const r = await setup(flag, `${OTHER_KEY}\n`);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('not apply on Windows');
        expect(r.stderr).toContain('nothing was written');
      }
      expect(read('.codex\\config.toml')).toBe(before);
      expect(await userVariable()).toBe(KEY);
    });

    it('the wizard in a terminal: Enter for the defaults, the key typed hidden, confirmed; no shell question, the user variable set', async () => {
      const { argv, env } = wine.terminalCommand(['--base-url', gw.base]);
      const t = new Terminal(wine.root, argv, env);
      try {
        // The first start in a prefix is slow under Wine.
        await t.takeDefaultsThenKey(KEY, 90_000);
        await t.waitFor(/Write these changes\?/, 60_000);
        t.keys('Enter');
        expect(await t.exitCode(90_000)).toBe(0);
        const screen = t.screen();
        expect(screen).not.toContain(KEY);
        expect(screen).toContain('****cdef');
        expect(screen).toContain(`Step 2 of 4 · Configure Codex (${user.home}\\.codex\\config.toml)`);
        expect(screen).not.toMatch(/Which shell/);
        expect(screen).toMatch(/answered in \d+ ms with 7 models/);
      } finally {
        t.close();
      }
      expect(read('.codex\\config.toml')).toContain('command = "C:\\\\windows\\\\System32\\\\cmd.exe"');
      expect(await userVariable()).toBe(KEY);
    });

    it('no Windows process of the whole run was started with the key on its command line (Wine traced every start)', () => {
      const lines = wine.commandLines();
      // The trace saw the runs that matter: reg.exe importing the variable, codex.exe and cmd.exe running the auth command.
      expect(lines.some((l) => /reg\.exe.* import /i.test(l))).toBe(true);
      expect(lines.some((l) => /codex\.exe.* login --with-api-key/i.test(l))).toBe(true);
      expect(lines.some((l) => /cmd\.exe.* \/d \/c type /i.test(l))).toBe(true);
      for (const key of [KEY, OTHER_KEY]) expect(lines.filter((l) => l.includes(key))).toEqual([]);
    });
  });
}
