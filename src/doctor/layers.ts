/**
 * Which layer each gateway setting comes from, when Codex's system config (/etc/codex/config.toml)
 * sets any of them: an administrator's provider table (`setup --system`) used by every user, and
 * what a user's own config.toml overrides in it.
 */
import { checkOf, type Check } from './checks.js';

export type Origin = { setting: string; from: string; overrides?: string };

export function layersCheck(origins: readonly Origin[], systemPath: string): Check | undefined {
  if (!origins.some((o) => o.from === systemPath || o.overrides === systemPath)) return undefined;
  const c = checkOf('configuration', 'config-layers');
  const byFile = new Map<string, string[]>();
  for (const o of origins) byFile.set(o.from, [...(byFile.get(o.from) ?? []), o.setting]);
  const title = [...byFile].map(([file, settings]) => `${settings.join(', ')} from ${file}`).join('; ');
  const overridden = origins.filter((o) => o.overrides);
  const detail = overridden.length
    ? `${overridden.map((o) => `${o.setting}: ${o.from} overrides ${o.overrides}`).join('; ')}. Codex reads ${systemPath} first and the user's config.toml over it.`
    : `Codex reads ${systemPath} first and the user's config.toml over it; the user's sets none of these.`;
  return c('pass', `Settings: ${title}`, detail);
}
