/**
 * The certificates Codex trusts, loaded for this process's TLS connections: the system store
 * (as a file on Linux), SSL_CERT_DIR, and CODEX_CA_CERTIFICATE (see route.ts for the measured
 * rules). Passing them explicitly also keeps Node's own variables out: with `ca` given, Node
 * ignores NODE_EXTRA_CA_CERTS, and `rejectUnauthorized: true` overrides
 * NODE_TLS_REJECT_UNAUTHORIZED=0 (both verified).
 */
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { SecureContext } from 'node:tls';
import { codexTrust, type TrustPlan } from './route.js';

/** Bounds on what is read: a CA bundle is a few hundred KB; a directory of them, a few hundred files. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;
const MAX_DIR_FILES = 2000;

const PEM_CERT = /-----BEGIN (?:TRUSTED )?CERTIFICATE-----[\s\S]*?-----END (?:TRUSTED )?CERTIFICATE-----/g;

/** The certificate blocks of a PEM text, with OpenSSL's `TRUSTED CERTIFICATE` label read as a plain one (as Codex does). */
export function pemCertificates(text: string): string[] {
  return (text.match(PEM_CERT) ?? []).map((b) => b.replace(/(BEGIN|END) TRUSTED CERTIFICATE/g, '$1 CERTIFICATE'));
}

export class TrustError extends Error {
  constructor(
    message: string,
    readonly variable: string,
    readonly path: string,
  ) {
    super(message);
  }
}

async function readCerts(path: string, variable: string | undefined): Promise<string[]> {
  let text: string;
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (st.size > MAX_FILE_BYTES) throw Object.assign(new Error(`larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`), { code: 'EFBIG' });
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if (!variable) return [];
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'does not exist' : e.code === 'EACCES' ? 'cannot be read (permission denied)' : (e.message ?? 'cannot be read');
    throw new TrustError(`${variable} names ${path}, which ${why}`, variable, path);
  }
  const certs = pemCertificates(text);
  if (variable && certs.length === 0) throw new TrustError(`${variable} names ${path}, which holds no PEM certificate`, variable, path);
  return certs;
}

async function readDir(dir: string): Promise<string[]> {
  const names = (await fs.readdir(dir).catch(() => [] as string[])).slice(0, MAX_DIR_FILES);
  const out: string[] = [];
  for (const n of names) out.push(...(await readCerts(join(dir, n), undefined)));
  return out;
}

export interface Trust {
  plan: TrustPlan;
  /** Every trusted certificate, as PEM. */
  certs: string[];
  /** node:tls, loaded with the trust (only checks that speak TLS need it). */
  tls: typeof import('node:tls');
}

/** Reads the certificates Codex would trust here; a CA variable naming an unusable file is a TrustError (Codex then makes no connection at all). */
export async function loadTrust(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<Trust> {
  const plan = codexTrust(env, platform, existsSync);
  const tls = await import('node:tls');
  const parts = await Promise.all([
    plan.systemFile ? readCerts(plan.systemFile.path, plan.systemFile.variable) : Promise.resolve(plan.osStore ? [...tls.rootCertificates] : []),
    plan.dir ? readDir(plan.dir) : Promise.resolve([]),
    plan.extra ? readCerts(plan.extra.path, plan.extra.variable) : Promise.resolve([]),
  ]);
  return { plan, certs: parts.flat(), tls };
}

const contexts = new WeakMap<Trust, SecureContext>();

/** One TLS context per trust set: building it parses every certificate (tens of ms for a system bundle). */
export function secureContextFor(trust: Trust): SecureContext {
  let ctx = contexts.get(trust);
  if (!ctx) {
    ctx = trust.tls.createSecureContext({ ca: trust.certs });
    contexts.set(trust, ctx);
  }
  return ctx;
}
