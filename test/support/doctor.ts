/** `lightweight doctor --json` in a sandbox, parsed into its documented shape. */
import type { ProcessResult } from './process.js';
import type { RunOptions, Sandbox } from './sandbox.js';

export interface DoctorCheck {
  id: string;
  group: string;
  status: string;
  title: string;
  detail: string;
  fix: string;
  cause?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export async function doctorJson(sb: Sandbox, args: string[] = [], opts: RunOptions = {}): Promise<{ r: ProcessResult; report: DoctorReport; checks: (id: string) => DoctorCheck[] }> {
  const r = await sb.run(['doctor', '--json', ...args], opts);
  const report = JSON.parse(r.stdout) as DoctorReport;
  return { r, report, checks: (id) => report.checks.filter((c) => c.id === id) };
}
