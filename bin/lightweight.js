#!/usr/bin/env node
// Node's compile cache (Node >= 22.1) makes later starts faster; older Node simply skips it.
import module from 'node:module';
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
await main(process.argv.slice(2), 'lightweight');
