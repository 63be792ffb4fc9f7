// vitest globalSetup: builds the harness binaries and fetches Istio's CRDs once, before any test
// worker starts, so that a cold cache (a build of several minutes) never runs inside a hook
// timeout and parallel test files never build at the same time.
import { ensureHarnessBinaries, istioCrdFile } from './harness-artifacts.ts';

export default async function setup(): Promise<void> {
  await ensureHarnessBinaries();
  await istioCrdFile();
}
