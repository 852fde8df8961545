/**
 * Phase 5, verify: whether the gateway answers (the check made while planning, reported now that
 * the files are written), and, after a key change with env_key, Codex's background server, which
 * would go on sending the old key.
 */
import { daemonStatus, restartDaemon } from '../../codex/daemon.js';
import { EXIT } from '../../errors.js';
import { KEY_VAR } from '../../gateway/constants.js';
import { reportVerdict } from '../verify.js';
import type { Planned } from './plan.js';
import type { SetupRun } from './run.js';

/**
 * With env_key, Codex's background server keeps the key of the terminal that started it: after
 * a key change it goes on sending the old one. Offer to restart it with the new key (in its
 * environment, never in an argument); unattended, say how.
 */
async function offerDaemonRestart(run: SetupRun, codexPath: string, key: string): Promise<void> {
  const { io, out, paths } = run;
  const status = await daemonStatus(codexPath, io.env, paths.codexHome);
  if (!status.running) return;
  const why = "Codex's background server is running with the old key (it keeps the environment of the terminal that started it).";
  if (await run.answers.confirm(`${why} Restart it now with the new key? Running Codex sessions are interrupted.`)) {
    const r = await restartDaemon(codexPath, { ...io.env, [KEY_VAR]: key }, paths.codexHome);
    if (r.ok) out.status('pass', "Restarted Codex's background server with the new key.");
    else out.status('warn', `Could not restart Codex's background server (${r.error}). From a new terminal, run: codex app-server daemon restart`);
    return;
  }
  out.status('warn', `${why} From a new terminal (which has the new key), run: codex app-server daemon restart`);
}

/** The exit code: 1 when the gateway check failed (the files are written either way). */
export async function verify(run: SetupRun, p: Planned): Promise<number> {
  const { out, codexPath, before } = run;
  const g = p.gathered;
  run.answers.step('Step 4 of 4 · Verify the connection');
  let exit: number = EXIT.ok;
  if (run.flags.verify === false) out.status('skip', 'Connectivity check skipped (--no-verify).');
  else if (p.verdict && !reportVerdict(p.verdict, p.checkReq, out)) exit = EXIT.checkFailed;
  if (codexPath && g.choices.layout === 'model-providers' && g.choices.keySource === 'env' && before.storedKey !== undefined && before.storedKey !== g.key) {
    await offerDaemonRestart(run, codexPath, g.key);
  }
  return exit;
}
