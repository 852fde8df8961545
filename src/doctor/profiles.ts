/**
 * The profile files setup wrote (`setup --profile <name>`): for each, what `codex -p <name>`
 * meets. The file must still be there (Codex silently falls back to config.toml without it),
 * Codex must load config.toml with it on top (its word), and the gateway it names must answer
 * with the key and serve its model.
 */
import type { ConfigSummary } from '../codex/config.js';
import type { LoadVerdict } from '../codex/loads.js';
import type { CheckVerdict } from '../gateway/classify.js';
import { canonicalModel } from '../gateway/models.js';
import { cmd } from '../invocation.js';
import { checkOf, type Check } from './checks.js';

export interface ToolProfile {
  name: string;
  shown: string;
  exists: boolean;
  /** Why the file cannot be read or parsed. */
  error?: string;
  summary?: ConfigSummary;
  /** Codex's verdict on config.toml with the profile on top (absent: no Codex to ask). */
  load?: LoadVerdict;
  gateway?: CheckVerdict | { skipped: string };
}

export function toolProfileChecks(profiles: readonly ToolProfile[]): Check[] {
  return profiles.map((p) => {
    const c = checkOf('configuration', 'profile');
    const run = `codex -p ${p.name}`;
    const again = `Run ${`${cmd()} --profile ${p.name}`} to write it again (or ${cmd('uninstall')} to remove every trace).`;
    if (!p.exists) return c('fail', `${p.shown} is gone`, `\`${run}\` now silently uses config.toml alone (Codex does not say that a profile file is missing).`, again);
    if (p.error) return c('fail', `${p.shown} cannot be read`, p.error, `Fix it: \`${run}\` fails while it does not parse.`);
    if (p.load?.asked && !p.load.loads) return c('fail', `Codex refuses \`${run}\``, p.load.reason, `Fix what Codex names, or ${again.charAt(0).toLowerCase()}${again.slice(1)}`);
    const s = p.summary ?? {};
    if (s.layout !== 'model-providers' || !s.baseUrl) return c('fail', `${p.shown} no longer selects the Lightweight provider`, 'It has no model_provider = "lightweight" with a base_url: `' + run + '` does not go through the gateway.', again);
    const g = p.gateway;
    const where = `${s.baseUrl}${s.model ? `, model ${s.model}` : ''}`;
    if (!g || 'skipped' in g) return c('skip', `\`${run}\`: ${where}`, g ? g.skipped : 'The gateway was not asked.');
    if (!g.ok) return { ...c('fail', `\`${run}\`: the gateway check failed (${g.cause})`, `${g.summary.replace(/\.$/, '')} (${s.baseUrl}).`, g.fix), cause: g.cause };
    const model = s.model ? (canonicalModel(s.model) ?? s.model) : undefined;
    if (model && !g.models.includes(model)) return c('fail', `\`${run}\` asks for ${s.model}, which ${s.baseUrl} does not serve`, `It serves: ${g.models.join(', ')}.`, `Run ${`${cmd()} --profile ${p.name} --model <one of them>`}.`);
    return c('pass', `\`${run}\` works: ${where}`, `${g.summary.replace(/\.$/, '')}${p.load?.asked ? '; Codex loads config.toml with it on top' : ''}.`);
  });
}
