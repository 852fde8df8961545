// Test-only, for Wine 8 (never shipped, never needed on a real Windows): undici sets keep-alive on
// a socket before it has connected, which Wine refuses ("connect UNKNOWN"). This waits for the
// connection first. See ../shared/reference/windows-wine.md and the README's Windows section.
'use strict';
const net = require('node:net');
const original = net.Socket.prototype.setKeepAlive;
net.Socket.prototype.setKeepAlive = function setKeepAlive(...args) {
  if (this.connecting) {
    this.once('connect', () => original.apply(this, args));
    return this;
  }
  return original.apply(this, args);
};
