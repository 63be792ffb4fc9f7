/**
 * `kubectl switchyard dashboard [--port N] [--ratelimit-metrics URL] [-n NS | -A]`: serves the
 * local web UI on 127.0.0.1 with the user's own kubeconfig credentials, prints its URL and runs
 * until SIGINT or SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../../kube/logger.ts';
import { NO_POSITIONAL, type PluginCommand } from '../plugin/command.ts';
import { guarded, printHelp, UsageError } from '../plugin/command-args.ts';
import { CONNECTION_OPTIONS, connect } from '../plugin/context.ts';
import { startDashboard } from './dashboard-server.ts';
import { parseMetricsUrl } from './ratelimit-rates.ts';

/** Default port (`kubectl argo rollouts dashboard` takes 3100 too: one habit for both). */
export const DEFAULT_PORT = 3100;

const DASHBOARD_FLAGS = { port: { type: 'string' }, 'ratelimit-metrics': { type: 'string' } } as const;
const OPTIONS = { ...CONNECTION_OPTIONS, ...DASHBOARD_FLAGS, help: { type: 'boolean', short: 'h' } } as const;

const SYNOPSIS = 'dashboard [--port N] [--ratelimit-metrics URL] [-n NS | -A]';

export interface DashboardArgs {
  port: number;
  metricsUrl: URL | undefined;
  connection: { kubeconfig?: string; context?: string; namespace?: string };
  allNamespaces: boolean;
  help: boolean;
}

/** Parses the command's arguments; throws an Error naming the flag, the rule and the value. */
export function parseDashboardArgs(args: string[]): DashboardArgs {
  const { values } = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true });
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, 0 picking a free port (got ${JSON.stringify(values.port)})`);
  }
  if (values['all-namespaces'] === true && values.namespace !== undefined) throw new Error(`give -n/--namespace or -A/--all-namespaces, not both (got -n ${values.namespace} and -A)`);
  return {
    port,
    metricsUrl: values['ratelimit-metrics'] === undefined ? undefined : parseMetricsUrl(values['ratelimit-metrics']),
    connection: {
      ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
      ...(values.context === undefined ? {} : { context: values.context }),
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    },
    allNamespaces: values['all-namespaces'] === true,
    help: values.help === true,
  };
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

const SUMMARY = 'a local web UI on 127.0.0.1 (your credentials): Routers, walks, filter chains, RateLimit rates; promote/abort';
const FLAGS = [
  `--port N                 port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one and prints it)`,
  '--ratelimit-metrics URL  the rate-limit service\'s /metrics, for live hit and over-limit rates',
];

function run(args: string[]): Promise<number> {
  return guarded('dashboard', [SYNOPSIS], async () => {
    let parsed: DashboardArgs;
    try {
      parsed = parseDashboardArgs(args);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (parsed.help) return printHelp(SUMMARY, [SYNOPSIS], FLAGS);
    const { client, namespace } = connect(parsed.connection);
    // The page shows watch failures as they happen; the terminal gets only what the page cannot show.
    const log = createLogger({ level: 'error', write: (line) => process.stderr.write(`${line}\n`) }, { component: 'dashboard' });
    const dashboard = await startDashboard({ client, namespace: parsed.allNamespaces ? undefined : namespace, port: parsed.port, ...(parsed.metricsUrl === undefined ? {} : { metricsUrl: parsed.metricsUrl }), log });
    process.stdout.write(`Switchyard dashboard for ${parsed.allNamespaces ? 'all namespaces' : `namespace ${namespace}`} at ${dashboard.url} (Ctrl-C to stop)\n`);
    await untilSignal();
    await dashboard.close();
    return 0;
  });
}

export const dashboardCommand: PluginCommand = {
  name: 'dashboard',
  synopsis: [SYNOPSIS],
  summary: SUMMARY,
  completion: { flags: DASHBOARD_FLAGS, next: NO_POSITIONAL },
  run,
};
