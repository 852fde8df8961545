// Every test file runs as if on a fresh machine: its own HOME, no Lightweight or Codex
// settings, no proxies and no colours, whatever the developer's own shell exports. What it
// makes under the temporary folder goes when the file's tests end (test/support/scratch.ts).
import { afterAll } from 'vitest';
import { removeScratch, scratchDir } from './scratch.js';

const home = scratchDir('lw-test-home-');
for (const name of Object.keys(process.env)) {
  if (/^(LIGHTWEIGHT_|CODEX_|OPENAI_|XDG_|ZDOTDIR$)/.test(name) || /^(https?|no|all)_proxy$/i.test(name)) delete process.env[name];
}
process.env.HOME = home;
process.env.NO_COLOR = '1';
delete process.env.FORCE_COLOR;

afterAll(removeScratch);
