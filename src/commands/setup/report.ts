/**
 * Phase 6, report: what to do next, in the form the tool was started with: the fix first when the
 * check failed, else how Codex gets the key here and the command to run.
 */
import { CODEX_INSTALL } from '../../codex/binary.js';
import { tildify } from '../../files/paths.js';
import { KEY_VAR } from '../../gateway/constants.js';
import { cmd } from '../../invocation.js';
import { sourceLine } from '../../shell/rc.js';
import type { Planned } from './plan.js';
import type { SetupRun } from './run.js';

/** How the user starts Codex with what was set up: plain, or with the profile. */
function codexCommandFor(g: Planned['gathered']): string {
  return g.profile ? `codex -p ${g.profile.name}` : 'codex';
}

export async function report(run: SetupRun, p: Planned): Promise<void> {
  const { out, paths } = run;
  const g = p.gathered;
  const codexInstalled = run.codexPath !== undefined;
  const version = await run.codexVersion;
  const failed = p.verdict && !p.verdict.ok ? p.verdict : undefined;
  out.line();
  out.heading('Next steps');
  let n = 1;
  if (failed) {
    // Codex would fail the same way: the fix comes first, then the check again, and Codex last.
    out.line(`  ${n++}. ${failed.fix}`);
    out.line(`  ${n++}. Check again: ${cmd('doctor')}`);
    if (!codexInstalled) {
      out.line(`  ${n++}. Install Codex: ${CODEX_INSTALL}`);
      out.line(`  ${n++}. Fill Codex's model picker (/model) with the gateway's models: ${cmd('models --sync')}`);
    }
    out.line(`  ${n++}. Then run: ${codexCommandFor(g)}`);
    return;
  }
  // Where Codex itself reads the key, when not from the shell: the key file (auth command) or its
  // login store (base-URL layout). Codex then needs no new terminal; the shell variable is for other tools.
  const codexKeyAt = g.choices.layout === 'openai-base-url' ? paths.authJson : g.choices.keySource === 'file' ? paths.keys.main : undefined;
  const codexHasKey = codexKeyAt !== undefined;
  const sayNewTerminals = () => {
    if (g.rc) out.line(`New terminals also get ${KEY_VAR} (for curl and other tools); in this one, run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${tildify(g.rc.file, paths.home)}`);
    else if (g.userVariable) out.line(`New terminals also get ${KEY_VAR} (for curl and other tools); programs started before setup (this terminal, VS Code) need a restart to see it.`);
  };
  if (g.managed) out.line(`  ${n++}. Put the settings above into ${g.managed.nix ? 'programs.codex.settings, then run: home-manager switch' : `${tildify(g.managed.target, paths.home)}'s source`}`);
  const windows = run.platform.newTerminals === 'user-variable';
  const file = tildify(paths.keys.main, paths.home);
  if (windows) {
    if (!g.userVariable) out.line(`  ${n++}. Load the key in a terminal (--no-rc left your user's environment variables alone): in PowerShell, $env:${KEY_VAR} = Get-Content "${file}"; in cmd, set /p ${KEY_VAR}=<"${file}"`);
    else if (!codexHasKey) out.line(`  ${n++}. Open a new terminal: new terminals have ${KEY_VAR}.`);
  } else if (g.rc) {
    if (!codexHasKey) out.line(`  ${n++}. Open a new terminal, or run: ${g.rc.shell === 'sh' ? '.' : 'source'} ${tildify(g.rc.file, paths.home)}`);
  } else {
    out.line(`  ${n++}. Load the key in your shell (--no-rc left your startup files alone): ${sourceLine('sh', paths.keys.main, paths.home)}`);
  }
  if (!codexInstalled) {
    out.line(`  ${n++}. Install Codex: ${CODEX_INSTALL}`);
    out.line(`  ${n++}. Fill Codex's model picker (/model) with the gateway's models: ${cmd('models --sync')}`);
    out.line(`  ${n++}. Run: ${codexCommandFor(g)}`);
    if (codexHasKey) sayNewTerminals();
    out.line();
    out.status('warn', 'Codex is not installed yet; install it with:');
    out.raw(`    ${CODEX_INSTALL}`);
    return;
  }
  // The system config carries no model catalog (one built for the administrator's Codex could stop another user's from starting).
  if (g.systemLayer) out.line(`  ${n++}. Fill Codex's model picker (/model) with the gateway's models, built for your Codex: ${cmd('models --sync')}`);
  out.line(`  ${n++}. Run: ${codexCommandFor(g)}${codexKeyAt ? ` (it reads the key from ${tildify(codexKeyAt, paths.home)}, in any terminal or editor)` : ''}`);
  if (version) out.line(`     Codex ${version}, model ${g.choices.model} through ${g.choices.baseUrl}${g.catalog ? `; /model lists the gateway${g.catalog.fromPage ? " page's" : "'s"} models` : ''}.`);
  if (codexHasKey) sayNewTerminals();
}
