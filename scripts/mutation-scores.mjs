// Per-file mutation scores from Stryker's JSON report, and a failure if any file is under 90%.
// Score = (killed + timed out) / (mutants run: killed, timed out, survived, not covered).
// Not run: static mutants (module-level constants, run once at import: ignoreStatic) and
// mutants marked in the source as unable to change behaviour (`// Stryker disable …: reason`).
import { readFileSync } from 'node:fs';

const MIN = 90;
const report = JSON.parse(readFileSync(new URL('../reports/mutation/mutation.json', import.meta.url), 'utf8'));
const rows = [];
for (const [file, { mutants }] of Object.entries(report.files)) {
  const count = (...s) => mutants.filter((m) => s.includes(m.status)).length;
  const ignored = mutants.filter((m) => m.status === 'Ignored');
  const isStatic = (m) => /^Static mutant/.test(m.statusReason ?? '');
  const detected = count('Killed', 'Timeout');
  const valid = detected + count('Survived', 'NoCoverage');
  rows.push({
    file,
    mutants: valid,
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    static: ignored.filter(isStatic).length,
    equivalent: ignored.filter((m) => !isStatic(m)).length,
    score: valid ? (100 * detected) / valid : 100,
  });
}
rows.sort((a, b) => a.file.localeCompare(b.file));
console.log('| file | mutants run | survived | no coverage | static (not run) | marked equivalent | score |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| \`${r.file}\` | ${r.mutants} | ${r.survived} | ${r.noCoverage} | ${r.static} | ${r.equivalent} | ${r.score.toFixed(1)}% |`);
const low = rows.filter((r) => r.score < MIN);
if (low.length) {
  console.error(`\nUnder ${MIN}%: ${low.map((r) => `${r.file} (${r.score.toFixed(1)}%)`).join(', ')}`);
  process.exit(1);
}
console.log(`\nEvery file at ${MIN}% or more.`);
