// Runs under the Windows Node.js in Wine: starts one program with the environment and files a test
// asked for, as a Windows parent process would (Wine resets USERPROFILE and LOCALAPPDATA for
// processes it starts from Linux, and Linux pipes break Node's streams under Wine 8, so the
// program's standard streams are files). Usage: node.exe runner.cjs <spec.json>
// spec: { file, args, env, unset?, cwd, stdin?, stdout, stderr, exit }, paths in Windows form. The
// child's environment is the one Windows gives every process (the runner's own, which Wine built
// from the registry, the user's variables included) with the spec's on top, as a terminal's would be.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const stdin = spec.stdin ? fs.openSync(spec.stdin, 'r') : 'ignore';
const stdout = fs.openSync(spec.stdout, 'w');
const stderr = fs.openSync(spec.stderr, 'w');
const env = { ...process.env, ...spec.env };
for (const name of spec.unset || []) for (const k of Object.keys(env)) if (k.toUpperCase() === name.toUpperCase()) delete env[k];
const child = spawn(spec.file, spec.args, { env, cwd: spec.cwd, stdio: [stdin, stdout, stderr], windowsHide: true });
child.on('error', (err) => {
  fs.writeFileSync(spec.exit, JSON.stringify({ code: null, error: err.message }));
});
child.on('exit', (code, signal) => {
  fs.writeFileSync(spec.exit, JSON.stringify({ code, signal }));
});
