import { KubeConfig } from '@kubernetes/client-node';
import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { KubeClient } from '../../kube/kube-client.ts';

/** kubectl's connection flags, as the plugin accepts them (kubectl hands a plugin its arguments untouched). */
export interface ConnectionFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** What every plugin command runs with: the user's own credentials and namespace, and where to print. */
export interface PluginContext {
  client: KubeClient;
  /** The namespace a command acts in: -n, else the kubeconfig context's namespace, else `default`. */
  namespace: string;
  /** -A: list across all namespaces (commands that name one object ignore it). */
  allNamespaces: boolean;
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => Date;
}

/** The options each command declares for node:util parseArgs, shared by all commands. */
export const CONNECTION_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
} as const;

/**
 * Loads credentials the way kubectl does: --kubeconfig, else $KUBECONFIG, else the in-cluster
 * service account, else ~/.kube/config; --context picks a context other than the current one.
 */
export function connect(flags: ConnectionFlags): { client: KubeClient; namespace: string } {
  const kc = new KubeConfig();
  if (flags.kubeconfig) kc.loadFromFile(flags.kubeconfig);
  else kc.loadFromDefault();
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) throw new Error(`context ${JSON.stringify(flags.context)} is not in the kubeconfig (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(flags.context);
  }
  if (!kc.getCurrentCluster()) throw new Error('no cluster: the kubeconfig has no current context (set KUBECONFIG, pass --kubeconfig, or run in a pod)');
  const namespace = flags.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? DEFAULT_NAMESPACE;
  return { client: new KubeClient(kc), namespace };
}

/** A context printing to this process's stdout and stderr. */
export function pluginContext(flags: ConnectionFlags): PluginContext {
  const { client, namespace } = connect(flags);
  return {
    client,
    namespace,
    allNamespaces: flags.allNamespaces ?? false,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    now: () => new Date(),
  };
}
