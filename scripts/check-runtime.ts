// Fails fast when the tests run on a Node older than the project's pinned runtime (24), which
// happens when `node` on PATH is the machine's own instead of the one `npm ci` installs.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`switchyard needs Node >= 24 (got ${process.version}); run through npm scripts or npx after npm ci`);
  process.exit(1);
}
console.log(`node ${process.version}`);
