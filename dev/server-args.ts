import { join } from 'node:path';
import type { HarnessPki } from './harness-pki.ts';

/** Bookkeeping only: nothing may ever send traffic to these ClusterIPs. */
const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';

export interface HarnessPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
}

/** etcd as a single loopback member; no fsync because the data dir is thrown away. */
export function etcdArgs(dataDir: string, ports: HarnessPorts): string[] {
  const client = `http://127.0.0.1:${ports.etcdClient}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=harness',
    `--data-dir=${join(dataDir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=harness=${peer}`,
    // No metrics/health listener beyond the client URL, which serves /health itself.
    '--listen-metrics-urls=',
    '--unsafe-no-fsync',
    '--log-level=warn',
  ];
}

/**
 * kube-apiserver on loopback with RBAC, a static token file and the real admission chain, minus
 * the ServiceAccount plugin (there is no controller creating default ServiceAccounts).
 */
export function apiserverArgs(dataDir: string, ports: HarnessPorts, pki: HarnessPki): string[] {
  const self = `https://127.0.0.1:${ports.apiserver}`;
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--cert-dir=${join(dataDir, 'apiserver-certs')}`,
    `--client-ca-file=${pki.caCert}`,
    `--token-auth-file=${pki.tokenFile}`,
    '--authorization-mode=RBAC',
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--service-account-issuer=${self}/`,
    `--service-account-key-file=${pki.saPublicKey}`,
    `--service-account-signing-key-file=${pki.saPrivateKey}`,
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
    '--shutdown-watch-termination-grace-period=1s',
    '--profiling=false',
    '--v=1',
  ];
}

/** kube-controller-manager running only the garbage collector and the namespace controller. */
export function controllerManagerArgs(dataDir: string, ports: HarnessPorts, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    '--controllers=garbagecollector,namespace',
    '--use-service-account-credentials=false',
    '--leader-elect=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${ports.controllerManager}`,
    `--cert-dir=${join(dataDir, 'controller-manager-certs')}`,
    '--profiling=false',
    '--v=1',
  ];
}
