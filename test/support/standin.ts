/**
 * The usual arrangement of a spawned-CLI test file: one stand-in gateway for the file, put back
 * to a healthy state before each test (behaviour, recorded requests, served models), and a
 * fresh sandbox per test (with the pinned Codex on PATH when asked). `use` receives both before every test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DEFAULT_MODELS, startGateway, type StandIn } from './gateway.js';
import { Sandbox } from './sandbox.js';

export function useStandInAndSandbox(use: (gw: StandIn, sb: Sandbox) => void, opts: { withCodex?: boolean } = {}): void {
  let gw: StandIn;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());
  beforeEach(() => {
    resetStandIn(gw);
    use(gw, opts.withCodex ? new Sandbox().withCodex() : new Sandbox());
  });
}

/** The stand-in as it starts: healthy, no requests recorded, the default models, no key revoked. */
export function resetStandIn(gw: StandIn): void {
  gw.behave({ kind: 'ok' });
  gw.requests.length = 0;
  gw.models = [...DEFAULT_MODELS];
  gw.revoked.clear();
  gw.responses = 'ok';
  gw.forbidden.clear();
  delete gw.answerAs;
  delete gw.streamModel;
}
