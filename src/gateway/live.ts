/**
 * One real request, judged: what a streaming `POST <base>/responses` (or Codex making it)
 * showed, turned into a verdict with a cause and a fix. Pure: the network and Codex are in
 * probe.ts and codex/live.ts; here are the event-stream reader and the judgement.
 */
import { cmd } from '../invocation.js';
import { gatewayMessage, networkFailure, type NetworkCause } from './classify.js';
import type { RouteFacts } from './route.js';
import { KEY_VAR } from './constants.js';
import { usableModelId } from './models.js';
import { HERE } from '../platform/platform.js';

/** The prompt of every live request: one word back, so the answer costs a handful of output tokens. */
export const LIVE_PROMPT = 'Reply with the single word: ok';

export type LiveCause =
  | 'no-responses-api'
  | 'not-a-stream'
  | 'model-forbidden'
  | 'auth'
  | 'codex-key'
  | 'other-model'
  | 'slow-start'
  | 'incomplete'
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'codex'
  | 'tool-call'
  | NetworkCause;

export interface Usage {
  input: number;
  output: number;
  cached?: number;
}

/** What an event stream held, as far as a verdict needs it. */
export interface StreamSummary {
  /** Milliseconds from the request to the first output (a text delta, else the first output item). */
  firstTokenMs?: number;
  /** `response.completed` arrived. */
  completed: boolean;
  /** The model named in the response (created or completed). */
  model?: string;
  usage?: Usage;
  /** A `response.failed` / `response.incomplete` / `error` event's message. */
  failure?: string;
  events: number;
}

/**
 * Reads a text/event-stream as it arrives (`feed` each chunk with the time it came), keeping
 * only what the verdict needs. Events are separated by a blank line; `data:` lines hold JSON
 * with a `type`.
 */
export class SseReader {
  private buffer = '';
  readonly summary: StreamSummary = { completed: false, events: 0 };

  feed(chunk: string, atMs: number): void {
    this.buffer += chunk.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.event(block, atMs);
    }
  }

  /** The stream ended: an event not followed by a blank line still counts. */
  end(atMs: number): StreamSummary {
    if (this.buffer.trim()) this.event(this.buffer, atMs);
    this.buffer = '';
    return this.summary;
  }

  private event(block: string, atMs: number): void {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''))
      .join('\n');
    if (!data || data === '[DONE]') return;
    let e: { type?: unknown; response?: { model?: unknown; usage?: Record<string, unknown>; error?: { message?: unknown } }; message?: unknown; error?: { message?: unknown }; item?: { type?: unknown } };
    try {
      e = JSON.parse(data) as typeof e;
    } catch {
      return;
    }
    const s = this.summary;
    s.events++;
    const type = typeof e.type === 'string' ? e.type : '';
    if (typeof e.response?.model === 'string' && e.response.model) s.model = e.response.model;
    if (s.firstTokenMs === undefined && (type === 'response.output_text.delta' || type === 'response.output_item.done' || type === 'response.reasoning_summary_text.delta')) s.firstTokenMs = atMs;
    if (type === 'response.completed') {
      s.completed = true;
      const u = e.response?.usage;
      if (u && typeof u.input_tokens === 'number' && typeof u.output_tokens === 'number') {
        const cached = (u.input_tokens_details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens;
        s.usage = { input: u.input_tokens, output: u.output_tokens, ...(typeof cached === 'number' && cached > 0 ? { cached } : {}) };
      }
    }
    if (type === 'response.failed' || type === 'response.incomplete' || type === 'error') {
      const m = e.response?.error?.message ?? e.error?.message ?? e.message;
      s.failure = typeof m === 'string' ? m : type;
    }
  }
}

/** What the direct request saw. */
export type DirectOutcome =
  | { kind: 'response'; status: number; contentType: string; body: string; stream?: StreamSummary; totalMs: number; retryAfter?: string }
  | { kind: 'error'; code?: string; message: string; timedOut: boolean; totalMs: number; phase?: 'proxy' | 'connect' | 'tls'; status?: number };

export interface LiveVerdict {
  status: 'pass' | 'warn' | 'fail';
  cause?: LiveCause;
  /** How the request was made: through Codex, or directly. */
  via: 'codex' | 'direct';
  model: string;
  /** The model that answered, when the answer says. */
  answeredBy?: string;
  ttftMs?: number;
  totalMs?: number;
  usage?: Usage;
  summary: string;
  fix: string;
}

export interface LiveContext {
  baseUrl: string;
  model: string;
  timeoutSeconds: number;
  /** How the direct request went (Codex's proxy, or why none), for its failures. */
  route?: RouteFacts;
}

/** The same model under a dated or provider-prefixed name (gpt-5.4-2026-03-05, openai/gpt-5.4) counts as the one asked for. */
export function sameModel(asked: string, answered: string): boolean {
  const a = asked.toLowerCase();
  const b = answered.toLowerCase().replace(/^[a-z0-9-]+\//, '');
  return a === b || b.startsWith(`${a}-20`) || b.replace(/-\d{4}-?\d{2}-?\d{2}$/, '') === a;
}

/** "123 tokens (118 in, 5 out)" */
export function usageText(u: Usage | undefined): string {
  if (!u) return 'token use not reported';
  return `${u.input + u.output} tokens (${u.input} in${u.cached ? `, ${u.cached} cached` : ''}, ${u.output} out)`;
}

/** A model name from the network, as shown: quoted and escaped when it is not a plain name (a line feed cannot forge a line). */
function shownModel(name: string): string {
  return usableModelId(name) ? name : JSON.stringify(name.slice(0, 128));
}

function passDetail(v: Pick<LiveVerdict, 'model' | 'answeredBy' | 'ttftMs' | 'totalMs' | 'usage' | 'via'>): string {
  const total = v.totalMs !== undefined ? ` in ${Math.round(v.totalMs)} ms` : '';
  const first = v.ttftMs !== undefined ? ` (first output after ${Math.round(v.ttftMs)} ms)` : '';
  const how = v.via === 'codex' ? ' through Codex' : ' directly';
  // A model is named as the one that answered only when the answer said so.
  if (v.answeredBy) return `${shownModel(v.answeredBy)} answered${how}${total}${first}; ${usageText(v.usage)}.`;
  const unseen = v.via === 'codex' ? 'Codex does not show which model answered' : 'The stream did not name the model that answered';
  return `Asked for ${v.model}${how} and got an answer${total}${first}; ${usageText(v.usage)}. ${unseen}.`;
}

/**
 * The fixes that do not depend on how the request was made: the same answer whether it went
 * directly or through Codex. (Functions: the command form is known only when the tool runs.)
 */
const FIX = {
  auth: () => `Copy the key again from the Lightweight dashboard and run ${cmd()}.`,
  noResponsesApi: () => `Codex speaks only the Responses API. Check that the base URL is the gateway's API root (ending in /v1), or ask the gateway's operator to enable /responses.`,
  forbidden: () => `See which models answer your key: ${cmd('models --test')}; then pick one: ${cmd()} --model <id>.`,
  rateLimit: (retryAfter?: string) => `Wait${retryAfter ? ` ${retryAfter} s` : ' a minute'} and run ${cmd('doctor --live')} again.`,
  server: () => "Retry in a minute; if it persists, the gateway's status page or support can say why.",
  otherModel: (asked: string, answered: string) =>
    usableModelId(answered) ? `The gateway routes ${asked} elsewhere: ask its operator, or pick the model you get: ${cmd()} --model ${HERE.quoteArg(answered)}.` : `The gateway routes ${asked} to a model whose name no model has: ask its operator.`,
};

/** Judges a direct streaming request. */
export function judgeDirect(o: DirectOutcome, ctx: LiveContext): LiveVerdict {
  const base: Pick<LiveVerdict, 'via' | 'model'> = { via: 'direct', model: ctx.model };
  const url = `${ctx.baseUrl}/responses`;
  const fail = (cause: LiveCause, summary: string, fix: string): LiveVerdict => ({ ...base, status: 'fail', cause, summary, fix, ...(o.totalMs !== undefined ? { totalMs: o.totalMs } : {}) });
  if (o.kind === 'error') {
    if (o.timedOut && o.phase !== 'proxy') return fail('timeout', `POST ${url} did not finish within ${ctx.timeoutSeconds} s.`, `A slow model or a proxy holding the stream back: try again with --timeout ${Math.min(600, ctx.timeoutSeconds * 2)}.`);
    const n = networkFailure({ ...o, elapsedMs: o.totalMs }, { baseUrl: ctx.baseUrl, timeoutSeconds: ctx.timeoutSeconds, ...(ctx.route ? { route: ctx.route } : {}) });
    return fail(n.cause, `POST ${url}: ${n.summary.replace(/^./, (c) => c.toLowerCase())}`, n.fix);
  }
  const said = gatewayMessage(o.body);
  const saying = said ? `: ${said}` : '';
  if (o.status === 404) return fail('no-responses-api', `GET /models answers, but POST ${url} is 404${saying}: the gateway does not serve the Responses API at this URL.`, FIX.noResponsesApi());
  if (o.status === 401) return fail('auth', `The gateway refused the key for POST /responses (HTTP 401${saying}).`, FIX.auth());
  if (o.status === 403) return fail('model-forbidden', `The key may not use ${ctx.model} (HTTP 403${saying}).`, FIX.forbidden());
  if (o.status === 429) return fail('rate-limit', `The gateway is rate-limiting this key (HTTP 429${saying}).`, FIX.rateLimit(o.retryAfter));
  if (o.status >= 300) return fail('server', `POST ${url} answered HTTP ${o.status}${saying}.`, FIX.server());
  if (!/^text\/event-stream\b/i.test(o.contentType)) {
    return fail(
      'not-a-stream',
      `POST ${url} answered ${o.contentType || 'without a content type'}, not an event stream: Codex gets no answer from that.`,
      `Something between you and the gateway buffers or rewrites the stream (a proxy, a VPN's web filter), or the base URL is not the gateway's: check HTTPS_PROXY and the URL.`,
    );
  }
  const s = o.stream ?? { completed: false, events: 0 };
  const measured = { ...(s.firstTokenMs !== undefined ? { ttftMs: s.firstTokenMs } : {}), totalMs: o.totalMs, ...(s.usage ? { usage: s.usage } : {}), ...(s.model ? { answeredBy: s.model } : {}) };
  if (!s.completed) {
    return {
      ...fail('incomplete', `The stream from POST ${url} ended without response.completed${s.failure ? `: ${s.failure}` : ` (${s.events} events)`}.`, `Retry; if it keeps ending early, a proxy or load balancer may cut long-lived streams (check its idle timeout).`),
      ...measured,
    };
  }
  if (s.model && !sameModel(ctx.model, s.model)) {
    return {
      ...base,
      ...measured,
      status: 'warn',
      cause: 'other-model',
      summary: `Asked for ${ctx.model}, but ${shownModel(s.model)} answered.`,
      fix: FIX.otherModel(ctx.model, s.model),
    };
  }
  const ok = { ...base, ...measured };
  return { ...ok, status: 'pass', summary: passDetail(ok), fix: '' };
}

/** One line of `codex exec --json`, with when it arrived. */
export interface CodexLine {
  atMs: number;
  event: { type?: string; item?: { type?: string; message?: string; text?: string }; usage?: Record<string, unknown>; error?: { message?: string }; message?: string };
}

/** What running `codex exec --json` showed. */
export interface CodexRun {
  lines: CodexLine[];
  code: number | null;
  stderr: string;
  timedOut: boolean;
  totalMs: number;
}

export interface CodexContext extends LiveContext {
  layout: 'model-providers' | 'openai-base-url';
  keySource?: 'file' | 'env';
  /** The key file, as shown, for the fixes. */
  keyFile: string;
  /** What a direct request showed, when Codex's failed (it tells Codex's side from the gateway's). */
  direct?: LiveVerdict;
}

const REROUTE = /model rerouted: (\S+) -> (\S+)/;

/** Items of `codex exec --json` that are not a tool at work: the answer, its reasoning, Codex's own notices. */
const QUIET_ITEMS = new Set(['agent_message', 'reasoning', 'error', 'todo_list']);

/**
 * Codex's built-in provider (the base-URL layout) tries a WebSocket at <base>/responses before
 * HTTPS: about 6 s of attempts where the gateway has none, at every session start. A first
 * output this late in that layout is most likely that; a custom provider never tries.
 */
export const SLOW_START_MS = 4_000;

/** The fix when Codex did not send a key the gateway takes, though the key works directly. */
function codexKeyFix(ctx: CodexContext): string {
  if (ctx.layout === 'openai-base-url') return `Codex's login store holds another key (or none): run ${cmd()} to store the key there again.`;
  if (ctx.keySource === 'env') {
    return `Codex reads ${KEY_VAR} from its environment, which is not set (or stale) where it started: open a new terminal, or have Codex read the key file instead: ${cmd()} --key-source file.`;
  }
  return `Codex runs the auth command in config.toml to read ${ctx.keyFile}: run ${cmd('doctor')} for its own check, and ${cmd()} to write it again.`;
}

/** Judges a `codex exec --json` run; a failure is explained with the direct request's verdict when there is one. */
export function judgeCodex(r: CodexRun, ctx: CodexContext): LiveVerdict {
  const base: Pick<LiveVerdict, 'via' | 'model'> = { via: 'codex', model: ctx.model };
  const started = r.lines.find((l) => l.event.type === 'turn.started')?.atMs;
  const firstOutput = r.lines.find((l) => started !== undefined && l.atMs >= started && /^item\./.test(l.event.type ?? '') && l.event.item?.type !== 'error')?.atMs;
  const completed = r.lines.find((l) => l.event.type === 'turn.completed');
  const failed = r.lines.find((l) => l.event.type === 'turn.failed');
  const reroute = r.lines.map((l) => REROUTE.exec(l.event.item?.message ?? l.event.message ?? '')).find(Boolean);
  const measured = {
    ...(started !== undefined && firstOutput !== undefined ? { ttftMs: firstOutput - started } : {}),
    ...(started !== undefined && completed ? { totalMs: completed.atMs - started } : { totalMs: r.totalMs }),
  };
  // A gateway that answers a one-word prompt with a tool call is broken or hostile: the probe offers
  // no tool (Codex answers "unsupported call" and runs nothing), and the check fails on it.
  const tool = r.lines.find((l) => /^item\./.test(l.event.type ?? '') && l.event.item?.type && !QUIET_ITEMS.has(l.event.item.type))?.event.item?.type ?? /unsupported call: ([A-Za-z0-9_.-]{1,64})/.exec(r.stderr)?.[1];
  if (tool) {
    return { ...base, ...measured, status: 'fail', cause: 'tool-call', summary: `The gateway answered the probe with a call to a tool (${tool}), where a one-word answer was asked for; the probe offers no tools, so nothing was run.`, fix: "A gateway should not call tools on its own: ask its operator; if the base URL is not the gateway's, fix it." };
  }
  if (completed) {
    const u = completed.event.usage ?? {};
    const usage: Usage | undefined =
      typeof u.input_tokens === 'number' && typeof u.output_tokens === 'number'
        ? { input: u.input_tokens, output: u.output_tokens, ...(typeof u.cached_input_tokens === 'number' && u.cached_input_tokens > 0 ? { cached: u.cached_input_tokens } : {}) }
        : undefined;
    const ok = { ...base, ...measured, ...(usage ? { usage } : {}), ...(reroute ? { answeredBy: reroute[2]! } : {}) };
    if (reroute && !sameModel(ctx.model, reroute[2]!)) {
      return { ...ok, status: 'warn', cause: 'other-model', summary: `Codex asked for ${ctx.model}, but ${shownModel(reroute[2]!)} answered.`, fix: FIX.otherModel(ctx.model, reroute[2]!) };
    }
    const waited = ok.ttftMs ?? ok.totalMs;
    if (ctx.layout === 'openai-base-url' && waited >= SLOW_START_MS) {
      return {
        ...ok,
        status: 'warn',
        cause: 'slow-start',
        summary: `${passDetail(ok).replace(/\.$/, '')}. Codex waited ${(waited / 1000).toFixed(1)} s before its first output: in the base-URL layout it first tries a WebSocket at the gateway, which costs about 6 s at every session start where the gateway has none.`,
        fix: `The provider-table layout sends the request at once: ${cmd()} --layout model-providers.`,
      };
    }
    return { ...ok, status: 'pass', summary: passDetail(ok), fix: '' };
  }
  const fail = (cause: LiveCause, summary: string, fix: string): LiveVerdict => ({ ...base, ...measured, status: 'fail', cause, summary, fix });
  if (r.timedOut) return fail('timeout', `Codex did not finish the request within ${ctx.timeoutSeconds} s.`, `Try again with a longer limit: ${cmd('doctor --live')} --timeout ${Math.min(600, ctx.timeoutSeconds * 2)}.`);
  const said = failed?.event.error?.message ?? [...r.lines].reverse().find((l) => l.event.type === 'error')?.event.message ?? lastLine(r.stderr) ?? `exit code ${r.code}`;
  const codexSaid = `Codex: ${said}`;
  if (/Missing environment variable|auth command .*(exited|failed|timed out)|produced an empty token/i.test(said)) {
    return fail('codex-key', `Codex did not get the key (${codexSaid}).`, codexKeyFix(ctx));
  }
  // The gateway's side: the direct request failed the same way, and says more precisely how.
  if (ctx.direct && ctx.direct.status === 'fail') return { ...ctx.direct, ...base, ...measured, summary: `${ctx.direct.summary.replace(/\.$/, '')} (${codexSaid}).` };
  const status = /unexpected status (\d{3})/.exec(said)?.[1];
  if (status === '401') {
    return ctx.direct?.status === 'pass' || ctx.direct?.status === 'warn'
      ? fail('codex-key', `Codex's request was refused (401) although the key works when sent directly: Codex did not send it (${codexSaid}).`, codexKeyFix(ctx))
      : fail('auth', `The gateway refused the key Codex sent (${codexSaid}).`, FIX.auth());
  }
  if (status === '404') return fail('no-responses-api', `The gateway answered 404 to Codex's POST /responses (${codexSaid}).`, FIX.noResponsesApi());
  if (status === '403') return fail('model-forbidden', `The key may not use ${ctx.model} (${codexSaid}).`, FIX.forbidden());
  if (status === '429') return fail('rate-limit', `The gateway is rate-limiting this key (${codexSaid}).`, FIX.rateLimit());
  if (status && Number(status) >= 500) return fail('server', `The gateway failed Codex's request (${codexSaid}).`, FIX.server());
  if (/Connection failed|error sending request|waiting for network/i.test(said)) {
    // The direct request goes the way Codex goes (its proxy, its CAs): it answered, so what stops Codex is on Codex's side.
    return fail(
      'connection',
      `The gateway answers a direct request made the way Codex connects${ctx.direct ? '' : ' (not tried)'}, but Codex cannot connect to it (${codexSaid}).`,
      `Run \`codex doctor\` in the same terminal: its reachability check shows Codex's own view of the network (proxy, CAs, DNS).`,
    );
  }
  if (/stream (disconnected|closed) before/i.test(said)) return fail('incomplete', `The stream ended before the answer was complete (${codexSaid}).`, 'A proxy or load balancer may cut or buffer the stream: check HTTPS_PROXY and its idle timeout, then retry.');
  return fail('codex', `Codex could not complete the request (${codexSaid}).`, `Run ${cmd('doctor')} for Codex's own checks; \`codex exec "${LIVE_PROMPT}"\` shows the whole error.`);
}

function lastLine(s: string): string | undefined {
  return s
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^WARNING: proceeding|^Reading additional input/.test(l))
    .at(-1);
}
