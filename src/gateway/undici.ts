/**
 * The parts of undici the connectivity check uses, imported module by module: undici's index
 * also loads fetch, WebSocket, caches and mocks (about 400 KB more in the bundle, parsed on
 * every check). Like the index does, the request API is installed on Dispatcher's prototype.
 * Proxies are not undici's job here: connect.ts opens the tunnel the way Codex does.
 */
import { setFlagsFromString } from 'node:v8';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import request from 'undici/lib/api/api-request.js';
import Agent from 'undici/lib/dispatcher/agent.js';

Object.assign(Dispatcher.prototype, { request });

// undici parses HTTP with llhttp compiled to WebAssembly. V8 would also optimise that module
// with TurboFan on a background thread (about 200 ms of CPU), and the process cannot exit
// until that job finishes. One small response needs no optimised code: the baseline
// compiler (Liftoff) alone is plenty, and exit is immediate.
setFlagsFromString('--liftoff-only');

export { Agent };
