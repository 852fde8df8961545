/**
 * Gathers what doctor needs and runs the slow parts side by side: `codex doctor --json` and
 * the gateway probe start as soon as the local files are read, and the local checks are
 * computed while they run. Every wait is bounded by the timeout. Nothing is written.
 */
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, run } from '../codex/binary.js';
import { catalogSlugs } from '../codex/catalog.js';
import { daemonStatus, type DaemonStatus } from '../codex/daemon.js';
import type { CodexFacts } from '../codex/doctor.js';
import { validateCatalog } from '../codex/introspect.js';
import { codexLoadsNow } from '../codex/loads.js';
import { forcedChatgptLogin, refusalWhere } from '../setup/codex-verdict.js';
import { runCodexLive, unstoppableServers } from '../codex/live.js';
import { configHome, profileConfig, tildify } from '../files/paths.js';
import { summarize } from '../codex/config.js';
import { normalizeBaseUrl } from '../gateway/urls.js';
import { toolProfileChecks, type ToolProfile } from './profiles.js';
import { layersCheck } from './layers.js';
import { managedConfig, type ManagedConfig } from '../setup/managed.js';
import { cmd } from '../invocation.js';
import { effectiveInstall, settingOrigins, systemLayerRisk } from '../setup/layers.js';
import { octalMode } from '../files/io.js';
import { checkGateway, liveDirect } from '../gateway/check.js';
import type { CheckVerdict } from '../gateway/classify.js';
import { KEY_VAR } from '../gateway/constants.js';
import { redactAll } from '../gateway/key.js';
import { judgeCodex, type LiveVerdict } from '../gateway/live.js';
import { DEFAULT_MODEL } from '../gateway/models.js';
import { configRisk, inspectFile, keyForGateway, readInstalled, usableBaseUrl, type Installed } from '../setup/installed.js';
import { platformOf, type Platform } from '../platform/platform.js';
import { readUserVariable } from '../platform/windows-env.js';
import { bashLoginFile, detectShell, rcFileFor } from '../shell/detect.js';
import { findBlocks, sourcesBashrc } from '../shell/rc.js';
import { isTable, parseToml } from '../toml/parse.js';
import {
  catalogCheck,
  codexChecks,
  configChecks,
  connectivityCheck,
  contradictionChecks,
  daemonCheck,
  liveCheck,
  keyChecks,
  modelCheck,
  reconcile,
  type AuthCommandRun,
  type CodexRefusal,
  type Check,
  type ProfileFile,
} from './checks.js';

/** A real request may take a while (a reasoning model, Codex starting): never less than this. */
const LIVE_MIN_SECONDS = 60;

export interface DoctorOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  platform: NodeJS.Platform;
  timeoutSeconds: number;
  codexHome?: string;
  /** Codex's own findings, already under way (see codex-facts.ts). */
  codex: Promise<CodexFacts>;
  /** `--live`: one real request, through Codex when it is installed. */
  live?: boolean;
}

/** `$CODEX_HOME/<name>.config.toml`: the profile files `codex -p <name>` layers on config.toml. */
async function profileFiles(codexHome: string, show: (p: string) => string): Promise<ProfileFile[]> {
  const names = (await fs.readdir(codexHome).catch(() => [] as string[])).filter((n) => n !== 'config.toml' && /^[^.].*\.config\.toml$/.test(n)).sort();
  const out: ProfileFile[] = [];
  for (const n of names) {
    const path = join(codexHome, n);
    const name = n.slice(0, -'.config.toml'.length);
    const f = await inspectFile(path);
    if (f.error) out.push({ shown: show(path), name, error: f.error });
    else if (f.file?.exists) {
      try {
        out.push({ shown: show(path), name, parsed: parseToml(f.file.text, show(path)) });
      } catch (err) {
        out.push({ shown: show(path), name, error: (err as Error).message });
      }
    }
  }
  return out;
}

/**
 * The live request: through Codex (with the user's config and environment) when Codex is
 * installed and the config has a Lightweight layout, else directly. When Codex's request fails,
 * a direct one tells the gateway's side from Codex's.
 */
async function liveVerdict(o: DoctorOptions, inst: Installed, codexPath: string | undefined, baseUrl: string, key: string): Promise<LiveVerdict> {
  const { summary } = inst;
  const model = summary.model ?? DEFAULT_MODEL;
  const timeoutSeconds = Math.max(o.timeoutSeconds, LIVE_MIN_SECONDS);
  const ctx = { baseUrl, model, timeoutSeconds };
  const direct = () => liveDirect({ ...ctx, key, env: o.env });
  const servers = isTable(inst.config.parsed?.mcp_servers) ? Object.keys(inst.config.parsed.mcp_servers) : [];
  const unstoppable = unstoppableServers(servers);
  if (!codexPath || !summary.layout || unstoppable.length) {
    const v = await direct();
    const why = !codexPath ? 'Codex is not installed' : !summary.layout ? 'config.toml has no Lightweight layout' : `the MCP server ${unstoppable.map((n) => JSON.stringify(n)).join(', ')} cannot be kept from starting for one Codex run`;
    return { ...v, summary: `${v.summary} (Not through Codex: ${why}.)` };
  }
  const r = await runCodexLive(codexPath, { ...o.env, CODEX_HOME: inst.paths.codexHome }, { mcpServers: servers, providerTable: summary.layout === 'model-providers', timeoutMs: timeoutSeconds * 1000 });
  const codexCtx = {
    ...ctx,
    layout: summary.layout,
    ...(summary.keySource ? { keySource: summary.keySource } : {}),
    keyFile: inst.keyFile.path,
  };
  // Codex's own words may echo a key (this one, or the one in its login store): masked like the gateway's.
  const stored = inst.auth.state.kind === 'apikey' ? inst.auth.state.apiKey : undefined;
  const masked = (v: LiveVerdict) => redactAll(redactAll(v, key), stored);
  const first = masked(judgeCodex(r, codexCtx));
  if (first.status !== 'fail' || first.cause === 'timeout') return first;
  return masked(judgeCodex(r, { ...codexCtx, direct: await direct() }));
}

/** Whether apps started from the desktop see the key: launchctl on macOS, environment.d on Linux. */
async function desktopHasKey(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): Promise<boolean> {
  if (platform === 'darwin') {
    const r = await run('launchctl', ['getenv', KEY_VAR], { env, timeoutMs: 2_000 }).catch(() => undefined);
    return Boolean(r && r.code === 0 && r.stdout.trim() !== '');
  }
  const dir = join(configHome({ home, env }), 'environment.d');
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return false;
  }
  for (const name of names.filter((n) => n.endsWith('.conf'))) {
    const f = await inspectFile(join(dir, name));
    if (f.file && new RegExp(`^\\s*${KEY_VAR}=`, 'm').test(f.file.text)) return true;
  }
  return false;
}

/** Runs the provider's auth command as Codex would (no shell around it), when it is this tool's. */
async function runAuthCommand(cmd: { command: string; args: readonly string[] } | undefined, env: NodeJS.ProcessEnv, keyFile: string, home: string, platform: Platform): Promise<AuthCommandRun | undefined> {
  if (!cmd) return undefined;
  if (!platform.isOwnAuthCommand(cmd, keyFile, home, env)) return { ours: false };
  const r = await run(cmd.command, [...cmd.args], { env, timeoutMs: 5_000 });
  return { ours: true, code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}

/** Who besides the user could change config.toml (and so the command Codex runs for the key), in words. */
async function configFileRisk(inst: Installed, show: (p: string) => string): Promise<string | undefined> {
  if (!inst.config.file?.exists) return undefined;
  const risk = await configRisk(inst);
  if (risk.foreignOwner !== undefined) return `it belongs to another user (uid ${risk.foreignOwner})`;
  if (risk.widenedMode !== undefined) return `others can write to it (mode ${octalMode(risk.widenedMode)})`;
  return risk.unsafeHome ? `${show(risk.unsafeHome.path)}, which holds it: ${risk.unsafeHome.why}` : undefined;
}

/**
 * What `codex -p <name>` meets for each profile file setup wrote: the file (as profileFiles read
 * it), Codex's verdict, and the gateway it names (the default's answer, when it is the same URL).
 */
async function toolProfiles(o: DoctorOptions, inst: Installed, files: readonly ProfileFile[], codexPath: string | undefined, key: string | undefined, main: { url?: string; verdict: Promise<CheckVerdict | { skipped: string }> }): Promise<ToolProfile[]> {
  const names = Object.keys(inst.state?.profiles ?? {}).sort();
  return Promise.all(
    names.map(async (name): Promise<ToolProfile> => {
      const f = files.find((p) => p.name === name);
      const shown = f?.shown ?? tildify(profileConfig(inst.paths, name), inst.paths.home);
      if (!f) return { name, shown, exists: false };
      if (f.error || !f.parsed) return { name, shown, exists: true, error: f.error ?? 'not readable' };
      const summary = summarize(f.parsed);
      const url = summary.baseUrl ? normalizeBaseUrl(summary.baseUrl).url : undefined;
      const [load, gateway] = await Promise.all([
        codexPath ? codexLoadsNow(codexPath, o.env, inst.paths.codexHome, o.cwd, name) : Promise.resolve(undefined),
        !url
          ? Promise.resolve({ skipped: 'No base URL in the profile file.' })
          : url === main.url
            ? main.verdict
            : !key
              ? Promise.resolve({ skipped: 'No key to send (see api-key).' })
              : checkGateway({ baseUrl: url, key, timeoutSeconds: o.timeoutSeconds, env: o.env }),
      ]);
      return { name, shown, exists: true, summary, ...(load ? { load } : {}), gateway };
    }),
  );
}

/** A config.toml home-manager builds is fixed in home.nix, not by a setup that cannot write it. */
function managedFix(checks: Check[], managed: ManagedConfig | undefined, show: (p: string) => string): Check[] {
  if (!managed) return checks;
  const where = `${show(managed.link)} is a link to ${show(managed.target)}${managed.nix ? ', which home-manager builds' : ', which you cannot write'}`;
  return checks.map((c) =>
    c.id === 'config' && c.status === 'fail'
      ? { ...c, fix: `${where}: add the settings \`${cmd()}\` prints to ${managed.nix ? 'programs.codex.settings, then run home-manager switch' : "that file's source"}.` }
      : c,
  );
}

export async function runDoctor(o: DoctorOptions): Promise<Check[]> {
  // The probe starts as soon as the config and the key are known, and runs (like Codex's own
  // doctor, started by the caller) while the local checks are worked out.
  const codex = o.codex;
  const own = await readInstalled(o.env, o.cwd, o.codexHome);
  // With the gateway from the system config (`setup --system`), that layer and the user's merged are what Codex runs on.
  const { inst, system, fromSystem } = await effectiveInstall(own, o.platform);
  const layers = system?.parsed ? layersCheck(settingOrigins([{ shown: system.path, parsed: system.parsed }, ...(own.config.parsed ? [{ shown: own.config.path, parsed: own.config.parsed }] : [])]), system.path) : undefined;
  const { paths, summary } = inst;
  const show = (p: string) => tildify(p, paths.home);
  const { key, source } = keyForGateway(inst);
  const usableUrl = usableBaseUrl(inst);
  const verdict: Promise<CheckVerdict | { skipped: string }> =
    !usableUrl
      ? Promise.resolve({ skipped: 'No usable base URL in config.toml.' })
      : !key
        ? Promise.resolve({ skipped: 'No key to send (see api-key).' })
        : checkGateway({ baseUrl: usableUrl, key, ...(summary.model ? { model: summary.model } : {}), timeoutSeconds: o.timeoutSeconds, env: o.env, ...(source ? { keyOrigin: `the key in ${source}` } : {}) });

  const codexPath = findExecutable('codex', o.env);
  const platform = platformOf(o.platform);
  const authRun = summary.keySource === 'file' ? runAuthCommand(summary.authCommand, o.env, paths.keys.main, paths.home, platform) : Promise.resolve(undefined);
  // Windows: new terminals (and programs started from the desktop) take the key from the user's variables.
  const userVariable = platform.newTerminals === 'user-variable' ? readUserVariable(o.env) : undefined;
  const daemon: Promise<DaemonStatus> =
    summary.keySource === 'env' && codexPath ? daemonStatus(codexPath, o.env, paths.codexHome, Math.min(5_000, o.timeoutSeconds * 1000)).catch(() => ({ running: false })) : Promise.resolve({ running: false });
  const keyChangedAt = fs.stat(paths.keys.main).then((st) => st.mtime, () => undefined);

  const shell = platform.newTerminals === 'shell-startup-file' ? detectShell(o.env) : undefined;
  const rcPath = shell ? rcFileFor(shell, { home: paths.home, platform: o.platform, env: o.env }) : undefined;
  const [rcFile, guiHasKey] = await Promise.all([
    rcPath ? inspectFile(rcPath) : Promise.resolve(undefined),
    summary.layout === 'model-providers' ? (userVariable ? userVariable.then((v) => v.value !== undefined && v.value === inst.keyFile.key) : desktopHasKey(o.env, paths.home, o.platform)) : Promise.resolve(false),
  ]);
  const hasBlock = (f: { file?: { exists: boolean; text: string } } | undefined, path: string) => {
    try {
      return Boolean(f?.file?.exists && findBlocks(f.file.text, show(path)).length > 0);
    } catch {
      return false;
    }
  };
  const sourcesKeyFile = rcPath ? hasBlock(rcFile, rcPath) : false;
  // What a bash login shell (ssh, macOS Terminal) sees: its own file's block, or ~/.bashrc's through it.
  let login: { path: string; loadsKeyFile: boolean } | undefined;
  if (shell === 'bash') {
    const loginPath = bashLoginFile(paths.home, o.platform, existsSync);
    const loginFile = await inspectFile(loginPath);
    const loads = hasBlock(loginFile, loginPath) || (sourcesKeyFile && Boolean(loginFile.file?.exists) && sourcesBashrc(loginFile.file!.text));
    login = { path: show(loginPath), loadsKeyFile: loads };
  }

  const profiles = profileFiles(paths.codexHome, show);
  const ownProfiles = profiles.then((files) => toolProfiles(o, inst, files, codexPath, key, { ...(usableUrl ? { url: usableUrl } : {}), verdict }));
  const authCommand = await authRun;
  const keyPart = keyChecks({
    ...(summary.layout ? { layout: summary.layout } : {}),
    ...(summary.keySource ? { keySource: summary.keySource } : {}),
    ...(authCommand ? { authCommand } : {}),
    ...(inst.envKey ? { envKey: inst.envKey } : {}),
    keyFile: inst.keyFile,
    ...(process.getuid ? { uid: process.getuid() } : {}),
    ...(shell && rcPath
      ? { rc: { path: show(rcPath), shell, sourcesKeyFile, sourceCmd: `${shell === 'sh' ? '.' : 'source'} ${show(rcPath)}`, ...(login ? { login } : {}) } }
      : {}),
    auth: inst.auth,
    platform: o.platform,
    guiHasKey,
    ...(userVariable ? { userVariable: await userVariable } : {}),
  });

  const [codexResult, v, daemonNow, keyTime] = await Promise.all([codex, verdict, daemon, keyChangedAt]);
  // Whether Codex loads the file is Codex's to say; the tool's rules only stand in where no Codex answers.
  const codexAnswers = Boolean(codexPath && codexResult.doctor?.['config.load']);
  const forced = forcedChatgptLogin(own.config, system);
  // With the provider from the system layer, the file that names the auth command is the system config.
  const fileRisk = fromSystem && system ? systemLayerRisk(system, process.getuid?.()) : await configFileRisk(inst, show);
  const fileRiskFix = fromSystem ? `Ask an administrator to make ${system!.path} root's and writable by root alone (chown root ${system!.path}; chmod 644 ${system!.path}).` : undefined;
  const managed = fromSystem ? undefined : await managedConfig(paths.config, o.env);
  const configPart = managedFix(configChecks(inst.config, { predict: !codexAnswers, ...(forced ? { forcedChatgpt: forced } : {}), ...(fileRisk ? { fileRisk } : {}), ...(fileRisk && fileRiskFix ? { fileRiskFix } : {}) }), managed, show);
  let refusal: CodexRefusal | undefined;
  if (codexPath && codexResult.doctor?.['config.load']?.status === 'fail') {
    const said = await codexLoadsNow(codexPath, o.env, paths.codexHome, o.cwd);
    if (said.asked && !said.loads) refusal = { reason: said.reason, ...(inst.config.file?.exists ? { where: refusalWhere(inst.config.file.text, inst.config.path, said.keyPath) } : {}) };
  }
  // Codex refusing to load the config may be the catalog (a Codex upgrade): ask it about the catalog alone.
  const catalog = inst.catalog;
  const slugs = catalog?.text !== undefined ? catalogSlugs(catalog.text) : undefined;
  let refused: string | undefined;
  if (codexPath && catalog?.ours && catalog.text !== undefined && codexResult.doctor?.['config.load']?.status === 'fail') {
    const r = await validateCatalog(codexPath, o.env, { text: catalog.text, slugs: slugs ?? [] });
    if (!r.ok && !r.error.startsWith('Codex listed')) refused = r.error.replace(/`[^`]*catalog\.json`/, catalog.shown);
  }
  const live: LiveVerdict | { skipped: string } | undefined = !o.live
    ? undefined
    : 'skipped' in v
      ? { skipped: v.skipped }
      : !v.ok
        ? { skipped: `Not sent: GET /models failed first (${v.cause}).` }
        : await liveVerdict(o, inst, codexPath, usableUrl!, key!);
  const contradictions =
    inst.config.parsed && inst.config.doc
      ? contradictionChecks({
          parsed: inst.config.parsed,
          doc: inst.config.doc,
          configShown: inst.config.path,
          codexHomeShown: show(paths.codexHome),
          ...(!('skipped' in v) && v.ok ? { served: v.models } : {}),
          profiles: await profiles,
        })
      : [];
  const daemonPart = daemonCheck({
    ...(summary.keySource ? { keySource: summary.keySource } : {}),
    running: daemonNow.running,
    ...(daemonNow.startedAt ? { startedAt: daemonNow.startedAt } : {}),
    ...(keyTime ? { keyChangedAt: keyTime } : {}),
  });
  return reconcile([
    ...codexChecks(codexResult, show(paths.config), inst.config.exists, refusal),
    ...(daemonPart ? [daemonPart] : []),
    catalogCheck(
      {
        ...(summary.layout ? { layout: summary.layout } : {}),
        ...(summary.keySource ? { keySource: summary.keySource } : {}),
        codexInstalled: Boolean(codexPath),
        ...(summary.catalog !== undefined ? { configured: summary.catalog } : {}),
        ...(catalog ? { shown: catalog.shown, ours: catalog.ours, exists: catalog.exists } : {}),
        ...(slugs ? { slugs } : {}),
        ...(refused ? { refused } : {}),
        ...(codexResult.version ? { codexVersion: codexResult.version } : {}),
        ...(inst.state?.catalogSupport ? { support: inst.state.catalogSupport } : {}),
      },
      v,
    ),
    ...configPart,
    ...(layers ? [layers] : []),
    ...contradictions,
    ...toolProfileChecks(await ownProfiles),
    ...keyPart,
    connectivityCheck(v, usableUrl, source, codexResult.doctor?.['network.provider_reachability']),
    modelCheck(summary.model, v),
    ...(live ? [liveCheck(live)] : []),
  ]);
}
