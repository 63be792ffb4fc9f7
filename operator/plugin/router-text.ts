/**
 * How `kubectl switchyard get` prints Routers: a tree per Router (`get router NAME`) and a table of
 * all of them (`get routers`). Pure: a RouterView and the clock in, lines out.
 */
import type { BranchView, FilterView, ProgressionView, RouterView, StepView } from '../cluster/router-view.ts';
import { relativeTime, shortDuration, tableLines, treeLines, weightBar, type TreeNode } from './tree-text.ts';

const weightsText = (w: Record<string, number>): string =>
  Object.entries(w)
    .map(([v, n]) => `${v}=${n}`)
    .join(',') || '-';

function versionLabel(v: BranchView['versions'][number], width: number): string {
  const shown = v.live ?? v.declared;
  const pending = v.live !== undefined && v.live !== v.declared ? `  (declared ${v.declared}%)` : v.live === undefined ? '  (declared; not reported live yet)' : '';
  return `${v.version.padEnd(width)} ${weightBar(shown)} ${String(shown).padStart(3)}%${pending}`;
}

function branchNode(b: BranchView): TreeNode {
  const width = Math.max(0, ...b.versions.map((v) => v.version.length));
  const kind = b.default ? 'default' : 'sandbox';
  const match = b.match.length > 0 ? `; matches ${b.match.join(', ')}` : '';
  const children = b.versions.length > 0 ? b.versions.map((v) => ({ label: versionLabel(v, width) })) : [{ label: `every pod of the branch ${weightBar(100)} 100%` }];
  return { label: `${b.branch} (${kind}${match})`, children };
}

function stepNode(step: StepView, now: Date): TreeNode {
  const started = step.startedAt === undefined ? '' : `, started ${relativeTime(step.startedAt, now)}`;
  const children: TreeNode[] = [];
  if (step.checkedProxies !== undefined || step.confirmedProxies !== undefined) {
    children.push({ label: `proxies: ${step.confirmedProxies ?? 0}/${step.checkedProxies ?? 0} confirmed` });
  }
  if (step.message) children.push({ label: step.message });
  return { label: `step ${step.number}/${step.total}: ${step.action} ${step.kind} ${step.name}${started}`, children };
}

function checkLabel(c: ProgressionView['checks'][number]): string {
  const value = c.value === undefined ? 'no value' : String(Math.round(c.value * 1000) / 1000);
  return `check ${c.name}: ${value} (want ${c.threshold}) ${c.verdict}${c.message ? ` — ${c.message}` : ''}`;
}

function progressionNode(view: RouterView, now: Date): TreeNode | undefined {
  const p = view.progression;
  if (p === undefined) {
    return view.walk === undefined ? undefined : { label: 'progression: no walk state yet (the controller has not reported one)' };
  }
  const children: TreeNode[] = [];
  if (p.phase === 'Progressing' || p.phase === 'Paused' || p.phase === 'RollingBack') {
    children.push({ label: `from ${weightsText(p.from)} to ${weightsText(p.target)}; now ${weightsText(p.current)}` });
  } else children.push({ label: `promoted ${weightsText(p.promoted)}` });
  if (view.walk !== undefined) {
    const pause = view.walk.pauseAt.length > 0 ? `, pause at ${view.walk.pauseAt.map((w) => `${w}%`).join(', ')}` : '';
    children.push({ label: `walk: steps ${view.walk.stepWeights.map((w) => `${w}%`).join(', ')}, then 100%; ${view.walk.interval} of analysis each${pause}` });
  }
  children.push({ label: `failures ${p.failures}/${p.failureLimit}, unknowns in a row ${p.unknowns}/${p.failureLimit}` });
  if (p.nextStepAt !== undefined) children.push({ label: `analysis until ${p.nextStepAt} (${relativeTime(p.nextStepAt, now)})` });
  children.push(...p.checks.map((c) => ({ label: checkLabel(c) })));
  if (p.message) children.push({ label: `message: ${p.message}` });
  if (view.command !== undefined) children.push({ label: `command ${view.command.value}: ${view.command.acknowledged ? 'taken by the controller' : 'not yet taken by the controller'}` });
  const where = p.phase === 'Promoted' || p.phase === 'RolledBack' ? '' : `, step ${p.step}/${p.steps} at ${p.canaryWeight}%`;
  return { label: `progression: ${p.phase}${where}`, children };
}

function filterNode(f: FilterView, now: Date): TreeNode {
  const phase = f.phase ?? 'no status yet';
  const target = f.target.router !== undefined ? '' : ` (targets host ${f.target.host ?? '?'})`;
  const expires = f.expiresAt === undefined ? '' : `, expires ${relativeTime(f.expiresAt, now)}`;
  const patches = f.patches.map((p) => ({
    label: `patch ${p.index} ${p.type}: ${p.applied === undefined ? 'not reported' : p.applied ? 'applied' : `not applied${p.reason ? ` (${p.reason})` : ''}`}`,
  }));
  const message = f.message && f.phase !== 'Applied' ? [{ label: f.message }] : [];
  return { label: `${f.order}. ${f.name} priority ${f.priority}: ${phase}${target}${expires}`, children: [...patches, ...message] };
}

/** Longest condition message shown; the rest is in `kubectl get router -o yaml`. */
const MAX_CONDITION_MESSAGE = 160;

/** One line per condition; a message repeated by a later condition is shown once. */
function conditionNodes(conditions: RouterView['conditions']): TreeNode[] {
  const seen = new Set<string>();
  return conditions.map((c) => {
    const fresh = c.message !== '' && !seen.has(c.message);
    seen.add(c.message);
    const message = c.message.length > MAX_CONDITION_MESSAGE ? `${c.message.slice(0, MAX_CONDITION_MESSAGE)}…` : c.message;
    return { label: `${c.type} ${c.status} ${c.reason}${fresh ? `: ${message}` : ''}` };
  });
}

/** The tree of one Router (`get router NAME`). */
export function routerTree(view: RouterView, now: Date): TreeNode {
  const phase = view.phase ?? 'no status yet';
  const stale = view.observedGeneration !== undefined && view.generation !== undefined && view.observedGeneration !== view.generation ? ` (status of generation ${view.observedGeneration}, spec at ${view.generation})` : '';
  const children: TreeNode[] = [];
  children.push({ label: `host ${view.host}${view.port === undefined ? '' : `:${view.port}`} ${view.protocol ?? ''}, propagation ${view.propagation}`.trimEnd() });
  children.push(...view.problems.map((p) => ({ label: `problem: ${p}` })));
  children.push({ label: 'branches', children: view.branches.map(branchNode) });
  children.push(view.step === undefined ? { label: 'step: none in progress' } : stepNode(view.step, now));
  const walk = progressionNode(view, now);
  if (walk) children.push(walk);
  children.push({ label: view.filters.length === 0 ? 'filters: none' : `filters (${view.filters.length}, in the order they apply)`, children: view.filters.map((f) => filterNode(f, now)) });
  if (view.conditions.length > 0) children.push({ label: 'conditions', children: conditionNodes(view.conditions) });
  children.push({ label: view.generated.length === 0 ? 'generated: none yet' : 'generated', children: view.generated.map((g) => ({ label: `${g.kind} ${g.namespace ?? view.namespace}/${g.name}` })) });
  return { label: `Router ${view.namespace}/${view.name}: ${phase}${stale}`, children };
}

/** The text of `get router NAME`: one tree per view, separated by a blank line. */
export function routerTreesText(views: readonly RouterView[], now: Date): string {
  return views.map((v) => treeLines(routerTree(v, now)).join('\n')).join('\n\n');
}

/** The table of `get routers` (NAMESPACE first with -A). */
export function routersTableText(views: readonly RouterView[], now: Date, allNamespaces: boolean): string {
  const header = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'PHASE', 'WEIGHTS', 'SANDBOXES', 'WALK', 'STEP', 'FILTERS', 'AGE'];
  const rows = views.map((v) => {
    const p = v.progression;
    const walk = p === undefined ? '-' : p.phase === 'Promoted' || p.phase === 'RolledBack' ? p.phase : `${p.phase} ${p.step}/${p.steps} ${p.canaryWeight}%`;
    const step = v.step === undefined ? '-' : `${v.step.number}/${v.step.total} ${v.step.action}`;
    const sandboxes = v.branches.filter((b) => !b.default).map((b) => b.branch).join(',') || '-';
    const age = v.creationTimestamp === undefined ? '-' : shortDuration(now.getTime() - Date.parse(v.creationTimestamp));
    const applied = v.filters.filter((f) => f.phase === 'Applied').length;
    return [...(allNamespaces ? [v.namespace] : []), v.name, v.phase ?? '-', v.weights || '-', sandboxes, walk, step, v.filters.length === 0 ? '-' : `${applied}/${v.filters.length} applied`, age];
  });
  return tableLines(header, rows).join('\n');
}
