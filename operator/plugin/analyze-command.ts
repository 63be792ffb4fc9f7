import { analyze, analyzeExitCode, formatFindings } from '../../core/analyze/analyze.ts';
import { CONTROLLER_LEASE, readControllerConfig } from '../../core/analyze/controller-config.ts';
import type { AnalyzeInput, ControllerConfig, LooseObject } from '../../core/analyze/types.ts';
import { isNotFound, type KubeClient } from '../../kube/kube-client.ts';
import { LEASE } from '../../kube/kinds.ts';
import { DESTINATION_RULE, ISTIO_FILTER, RATE_LIMIT, ROUTER, SERVICE, VIRTUAL_SERVICE, resourcePath } from '../cluster/kinds.ts';
import { clusterErrorMessage, listAll } from '../cluster/read-routers.ts';
import { NO_POSITIONAL, type PluginCommand } from './command.ts';
import { connectWith, guarded, parseCommandArgs, printHelp, UsageError } from './command-args.ts';

const SYNOPSIS = ['analyze [-n NS | -A] [-o text|json] [--fail-on error|warning]'];
const SUMMARY = 'checks that span objects: subsets without pods, foreign routes to Switchyard subsets, RateLimits counting twice, filters about to expire, verified Routers without istiod';

/** Pods are read only here; the runtime has no kind registered for them. */
function podsPath(namespace: string | undefined): string {
  return namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
}

/** A list that 404s (Istio's CRDs not installed) is empty: nothing of that kind to check. */
async function listOrEmpty(client: KubeClient, path: string): Promise<LooseObject[]> {
  try {
    return (await listAll(client, path)) as LooseObject[];
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/**
 * The controllers' published configuration (annotations on their leader-election Lease), or
 * undefined with the reason when it cannot be read; `analyze` then says it cannot tell.
 */
export async function readPublishedConfig(client: KubeClient): Promise<{ config?: ControllerConfig; problem?: string }> {
  const where = `Lease ${CONTROLLER_LEASE.namespace}/${CONTROLLER_LEASE.name}`;
  try {
    const lease = await client.find<LooseObject>(resourcePath(LEASE, CONTROLLER_LEASE.namespace, CONTROLLER_LEASE.name));
    return lease ? { config: readControllerConfig(lease) } : { problem: `${where} not found (controllers not running, or run with --no-leader-election)` };
  } catch (err) {
    return { problem: `cannot read ${where}: ${clusterErrorMessage(err)}` };
  }
}

/** Lists everything `analyze` looks at in one namespace (or all, `undefined`) with the user's credentials. */
export async function readAnalyzeInput(client: KubeClient, namespace: string | undefined, now: Date): Promise<{ input: AnalyzeInput; problems: string[] }> {
  const [routers, filters, rateLimits, virtualServices, destinationRules, services, pods, published] = await Promise.all([
    listAll(client, resourcePath(ROUTER, namespace)) as Promise<LooseObject[]>,
    listAll(client, resourcePath(ISTIO_FILTER, namespace)) as Promise<LooseObject[]>,
    listAll(client, resourcePath(RATE_LIMIT, namespace)) as Promise<LooseObject[]>,
    listOrEmpty(client, resourcePath(VIRTUAL_SERVICE, namespace)),
    listOrEmpty(client, resourcePath(DESTINATION_RULE, namespace)),
    listOrEmpty(client, resourcePath(SERVICE, namespace)),
    listOrEmpty(client, podsPath(namespace)),
    readPublishedConfig(client),
  ]);
  const input = { routers, filters, rateLimits, virtualServices, destinationRules, services, pods, controllerConfig: published.config, now };
  return { input, problems: published.problem === undefined ? [] : [published.problem] };
}

const FLAGS = { output: { type: 'string', short: 'o', default: 'text' }, 'fail-on': { type: 'string', default: 'error' } } as const;

export const analyzeCommand: PluginCommand = {
  name: 'analyze',
  synopsis: SYNOPSIS,
  summary: SUMMARY,
  completion: { flags: FLAGS, flagValues: { output: ['text', 'json'], 'fail-on': ['error', 'warning'] }, next: NO_POSITIONAL },
  run: (args) =>
    guarded('analyze', SYNOPSIS, async () => {
      const { values, positionals } = parseCommandArgs(args, FLAGS);
      if (values.help) {
        return printHelp(SUMMARY, SYNOPSIS, [
          '-o, --output text|json   text (default): one line per finding, istioctl-style; json: the findings',
          '    --fail-on error|warning   exit 1 when a finding is at least this severe (default error)',
        ]);
      }
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (analyze takes no names; use -n NS or -A)`);
      if (values.output !== 'text' && values.output !== 'json') throw new UsageError(`-o/--output must be text or json (got ${JSON.stringify(values.output)})`);
      const failOn = values['fail-on'];
      if (failOn !== 'error' && failOn !== 'warning') throw new UsageError(`--fail-on must be error or warning (got ${JSON.stringify(failOn)})`);
      const ctx = connectWith(values);
      const namespace = ctx.allNamespaces ? undefined : ctx.namespace;
      const { input, problems } = await readAnalyzeInput(ctx.client, namespace, ctx.now());
      for (const p of problems) ctx.err(`kubectl switchyard analyze: note: ${p}`);
      const findings = analyze(input);
      if (values.output === 'json') ctx.out(JSON.stringify(findings, null, 2));
      else ctx.out(formatFindings(findings, namespace === undefined ? 'all namespaces' : `namespace ${namespace}`));
      return analyzeExitCode(findings, failOn);
    }),
};
