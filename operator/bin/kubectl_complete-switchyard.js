#!/usr/bin/env node
// Shell completion for `kubectl switchyard` (kubectl 1.26+ runs `kubectl_complete-<plugin>` from
// PATH with the words typed after the plugin's name): the plugin itself answers, behind the
// hidden command `__complete`, so both executables share one entry and one Node check.
process.argv.splice(2, 0, '__complete');
await import('./kubectl-switchyard.js');
