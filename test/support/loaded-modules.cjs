// Preloaded with `node -r` by the lazy-loading tests: at exit, reports which files and which Node
// built-ins the process loaded, on fd 3 so the CLI's own output stays untouched.
'use strict';
process.on('exit', () => {
  const report = {
    files: Object.keys(require.cache),
    builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
  };
  require('node:fs').writeFileSync(process.env.LW_LOADED_REPORT, JSON.stringify(report));
});
