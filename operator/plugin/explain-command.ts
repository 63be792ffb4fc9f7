import { stringify } from 'yaml';
import { router as routerSchema, type Router } from '../../api/router.ts';
import { explainRouter } from '../../core/explain/explain-router.ts';
import { formatExplanation } from '../../core/explain/format-explanation.ts';
import { formatDrift, specDrift, type Drift } from '../../core/explain/live-drift.ts';
import type { Explanation } from '../../core/explain/types.ts';
import { routerAtWeights, walkedWeights } from '../../core/progression/walk-router.ts';
import { RenderError } from '../../core/router/render-error.ts';
import { usableFilters } from '../../core/router/router-routing.ts';
import type { KubeClient } from '../../kube/kube-client.ts';
import { DESTINATION_RULE, VIRTUAL_SERVICE, resourcePath } from '../cluster/kinds.ts';
import { readFilters, readRouter } from '../cluster/read-routers.ts';
import type { ClusterObject } from '../cluster/router-view.ts';
import { ONE_ROUTER, type PluginCommand } from './command.ts';
import { connectWith, guarded, parseCommandArgs, printHelp, UsageError } from './command-args.ts';
import { YAML_OPTIONS } from '../../core/yaml-text.ts';

const SYNOPSIS = ['explain ROUTER [-o text|json|yaml]'];
const SUMMARY = "the final VirtualService and DestinationRule of ROUTER with the origin of every field, and where the live objects differ";

/** How a live generated object compares with the computed one. */
export interface LiveComparison {
  exists: boolean;
  drift: Drift[];
}

/** `explain` for a live Router: the provenance, plus what the cluster holds. */
export interface LiveExplanation extends Explanation {
  /** The walk's current weights, when a canary walk decides what is rendered. */
  walkWeights?: Record<string, number>;
  /** Filters the controller leaves out because the API server refused their result (their status says so). */
  rejectedByServer: string[];
  live: { virtualService: LiveComparison; destinationRule: LiveComparison };
}

/** A refusal the controller recorded on the filter's status for its current generation (controllers/filters). */
function rejectedByServer(filter: ClusterObject & { metadata: { generation?: number } }): boolean {
  const status = filter.status as { conditions?: { type?: string; reason?: string; observedGeneration?: number }[] } | undefined;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return ready?.reason === 'RejectedByServer' && ready.observedGeneration === filter.metadata.generation;
}

/** The Router as the controller renders it now: at the walk's current weights while it walks a canary. */
function renderedRouter(router: Router): { router: Router; walkWeights?: Record<string, number> } {
  const current = router.status?.progression?.current;
  if (walkedWeights(router) === undefined || current === undefined) return { router };
  return { router: routerAtWeights(router, current), walkWeights: current };
}

async function compare(client: KubeClient, path: string, computed: unknown): Promise<LiveComparison> {
  const live = await client.find<{ spec?: unknown }>(path);
  return live === undefined ? { exists: false, drift: [] } : { exists: true, drift: specDrift(computed as { spec?: unknown }, live) };
}

/** Reads ROUTER, its namespace's IstioFilters and its live VirtualService and DestinationRule, and explains. */
export async function explainLive(client: KubeClient, namespace: string, name: string, now: Date): Promise<LiveExplanation> {
  const object = await readRouter(client, namespace, name);
  const parsed = routerSchema.safeParse(object);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExplainRefused(`Router ${namespace}/${name}: the spec fails the Router schema at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const all = (await readFilters(client, namespace)) as (ClusterObject & { metadata: { deletionTimestamp?: string; generation?: number } })[];
  const refused = all.filter(rejectedByServer);
  const filters = usableFilters(all.filter((f) => !refused.includes(f)));
  const rendered = renderedRouter(parsed.data);
  let e: Explanation;
  try {
    e = explainRouter(rendered.router, filters, now);
  } catch (err) {
    if (err instanceof RenderError) throw new ExplainRefused(`Router ${namespace}/${name} cannot be rendered: ${err.message}`);
    throw err;
  }
  const [virtualService, destinationRule] = await Promise.all([
    compare(client, resourcePath(VIRTUAL_SERVICE, namespace, name), e.virtualService.object),
    compare(client, resourcePath(DESTINATION_RULE, namespace, name), e.destinationRule.object),
  ]);
  return { ...e, ...(rendered.walkWeights ? { walkWeights: rendered.walkWeights } : {}), rejectedByServer: refused.map((f) => f.metadata.name), live: { virtualService, destinationRule } };
}

/** The Router cannot be explained (its spec fails the schema or cannot be rendered). */
export class ExplainRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExplainRefused';
  }
}

function liveText(kind: string, name: string, c: LiveComparison): string {
  return c.exists ? formatDrift(kind, name, c.drift) : `# live ${kind} ${name} does not exist (yet): the controller has not applied it`;
}

/** The text: notes on the walk and refused filters, the annotated objects, then the live comparison. */
export function liveExplanationText(e: LiveExplanation): string {
  const id = `${e.router.namespace}/${e.router.name}`;
  const notes = [
    ...(e.walkWeights ? [`# canary walk in progress: the default branch is rendered at ${Object.entries(e.walkWeights).map(([v, w]) => `${v}=${w}`).join(',')} (status.progression.current)`] : []),
    ...e.rejectedByServer.map((f) => `# IstioFilter ${e.router.namespace}/${f}: left out, the API server refused its result (see its status)`),
  ];
  return [...notes, formatExplanation(e), liveText('VirtualService', id, e.live.virtualService), liveText('DestinationRule', id, e.live.destinationRule)].join('\n');
}

const FLAGS = { output: { type: 'string', short: 'o', default: 'text' } } as const;

export const explainCommand: PluginCommand = {
  name: 'explain',
  synopsis: SYNOPSIS,
  summary: SUMMARY,
  completion: { flags: FLAGS, flagValues: { output: ['text', 'json', 'yaml'] }, next: ONE_ROUTER },
  run: (args) =>
    guarded('explain', SYNOPSIS, async () => {
      const { values, positionals } = parseCommandArgs(args, FLAGS);
      if (values.help) return printHelp(SUMMARY, SYNOPSIS, ['-o, --output text|json|yaml   text (default): annotated YAML; json/yaml: the provenance of every field']);
      const [name, ...extra] = positionals;
      if (name === undefined) throw new UsageError("explain needs the ROUTER's name");
      if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
      if (!['text', 'json', 'yaml'].includes(values.output)) throw new UsageError(`-o/--output must be text, json or yaml (got ${JSON.stringify(values.output)})`);
      const ctx = connectWith(values);
      let e: LiveExplanation;
      try {
        e = await explainLive(ctx.client, ctx.namespace, name, ctx.now());
      } catch (err) {
        if (!(err instanceof ExplainRefused)) throw err;
        ctx.err(`kubectl switchyard explain: ${err.message}`);
        return 1;
      }
      if (values.output === 'json') ctx.out(JSON.stringify(e, null, 2));
      else if (values.output === 'yaml') ctx.out(stringify(e, YAML_OPTIONS));
      else ctx.out(liveExplanationText(e));
      return 0;
    }),
};
