// Every test file runs as if on a fresh machine: its own HOME, no Lightweight or Codex
// settings, no proxies and no colours, whatever the developer's own shell exports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'lw-test-home-'));
for (const name of Object.keys(process.env)) {
  if (/^(LIGHTWEIGHT_|CODEX_|OPENAI_|XDG_|ZDOTDIR$)/.test(name) || /^(https?|no|all)_proxy$/i.test(name)) delete process.env[name];
}
process.env.HOME = home;
process.env.NO_COLOR = '1';
delete process.env.FORCE_COLOR;
