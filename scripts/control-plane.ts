// Runs the local control plane (etcd + kube-apiserver + kube-controller-manager, Istio's and
// Switchyard's CRDs installed) until Ctrl-C or SIGTERM, for demos and for poking at by hand:
//
//   npx node scripts/control-plane.ts up [--no-crds] [--no-controller-manager] [--log-dir DIR]
import { parseArgs } from 'node:util';
import { startControlPlane, type ControlPlane } from '../dev/control-plane.ts';

const USAGE = 'usage: npx node scripts/control-plane.ts up [--no-crds] [--no-controller-manager] [--log-dir DIR]';

async function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function printAccess(cp: ControlPlane, startedMs: number): void {
  console.log(`control plane up in ${startedMs} ms at ${cp.server}`);
  console.log(`admin kubeconfig:      ${cp.kubeconfigPath}`);
  console.log(`controller kubeconfig: ${cp.controllerKubeconfigPath} (system:serviceaccount:switchyard-system:switchyard)`);
  console.log(`logs:                  ${cp.logDir}`);
  console.log('');
  console.log(`export KUBECONFIG=${cp.kubeconfigPath}`);
  console.log('');
  console.log('Ctrl-C stops it.');
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'no-crds': { type: 'boolean', default: false },
      'no-controller-manager': { type: 'boolean', default: false },
      'log-dir': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== 'up') {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const started = Date.now();
  const cp = await startControlPlane({
    installCrds: !values['no-crds'],
    withControllerManager: !values['no-controller-manager'],
    ...(values['log-dir'] ? { logDir: values['log-dir'] } : {}),
  });
  printAccess(cp, Date.now() - started);
  const signal = await waitForSignal();
  console.log(`${signal}: stopping the control plane`);
  await cp.stop();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
