/** `lightweight doctor`: read-only diagnosis with a fix for every problem. */
import { doctorOk, PLAIN, renderJson, renderText } from '../doctor/render.js';
import { runDoctor } from '../doctor/run.js';
import { EXIT } from '../errors.js';
import type { CodexFacts } from '../codex/doctor.js';
import { parseTimeout } from '../setup/flags.js';
import { makeOutput, type Io } from '../ui/output.js';

export interface DoctorFlags {
  json?: boolean;
  live?: boolean;
  timeout?: string;
  codexHome?: string;
}

/** `codex` is Codex's own doctor, already started by the command line (see cli.ts). */
export async function doctor(flags: DoctorFlags, io: Io, codex: Promise<CodexFacts>): Promise<number> {
  const timeoutSeconds = parseTimeout(flags.timeout);
  const out = makeOutput(io);
  const spin = flags.json ? { stop() {} } : out.spinner(flags.live ? 'Checking Codex, config, key and gateway, then one real request' : 'Checking Codex, config, key and gateway');
  let checks;
  try {
    checks = await runDoctor({ env: io.env, cwd: io.cwd, platform: io.platform, timeoutSeconds, codex, ...(flags.codexHome ? { codexHome: flags.codexHome } : {}), ...(flags.live ? { live: true } : {}) });
  } finally {
    spin.stop();
  }
  if (flags.json) io.stdout.write(renderJson(checks));
  else {
    const c = out.color;
    const sym = out.fancy ? { pass: c.green('✓'), warn: c.yellow('⚠'), fail: c.red('✗'), skip: c.dim('-') } : PLAIN;
    io.stdout.write(renderText(checks, sym, (s) => (out.fancy ? c.bold(s) : s), out.size && out.size.columns - 1));
  }
  return doctorOk(checks) ? EXIT.ok : EXIT.checkFailed;
}
