import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = join(import.meta.dirname, '..', 'dev', 'start.ts');

/** `npm start` with no cluster: the newcomer's first experience, end to end on the real parts. */
describe('npm start (embedded default)', () => {
  it('starts the local control plane, applies examples/, settles every Router and exits cleanly', async () => {
    const child = spawn(process.execPath, [MAIN, '--embedded', '--exit-when-ready', '--http-port', '0'], {
      env: { ...process.env, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).not.toContain('TimeoutOverflowWarning');
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(stdout).toMatch(/sm-verify\/sm-verify-page\s+Ready\s+v1\.0\.1=90,v1\.0\.2=10\s+box-0999/);
    expect(stdout).toMatch(/bookinfo\/reviews\s+Ready\s+v1=70,v2=20,v3=10\s+box-123/);
    expect(stdout).toMatch(/sm-verify\/page-show\s+Ready\s+switchyard_ratelimit=sm-verify\.page-show/);
    // A Router with spec.progression seen for the first time starts at its declared weights.
    expect(stdout).toMatch(/shop\/checkout\s+Ready\s+v2\.4\.0=100\s+box-1207/);
    expect(stdout).toContain('Generated: 3 VirtualService(s), 3 DestinationRule(s), 3 EnvoyFilter(s)');
    expect(stdout).toMatch(/export KUBECONFIG=\S+admin\.kubeconfig/);
  }, 240_000);
});

describe('npm start flags', () => {
  function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  }

  it('rejects a Prometheus URL that is not http(s)://host:port, naming it', async () => {
    const { code, stderr } = await run(['--kubeconfig', '/nonexistent', '--prometheus-url', 'prometheus:9090']);
    expect(code).toBe(2);
    expect(stderr).toContain('--prometheus-url must be http(s)://host:port (got prometheus:9090)');
  });

  it('rejects an istiod debug URL that is not http(s)://host:port, naming it', async () => {
    const { code, stderr } = await run(['--kubeconfig', '/nonexistent', '--istiod-debug-url', 'istiod:15014']);
    expect(code).toBe(2);
    expect(stderr).toContain('--istiod-debug-url must be http(s)://host:port (got istiod:15014)');
  });

  it('rejects an istiod token file that does not exist, naming it', async () => {
    const { code, stderr } = await run(['--kubeconfig', '/nonexistent', '--istiod-debug-url', 'http://127.0.0.1:15014', '--istiod-token-file', '/nonexistent/token']);
    expect(code).toBe(2);
    expect(stderr).toContain('--istiod-token-file /nonexistent/token does not exist');
  });
});
