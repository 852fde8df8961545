#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node starts a CommonJS entry faster than an ES module, and `--help`
// must be quick. The commands themselves are ES modules, imported only when chosen.
require('node:module').enableCompileCache?.();
require('../dist/cli.cjs').main(process.argv.slice(2), 'lightweight');
