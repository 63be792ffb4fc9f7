// Builds the page's sections from one snapshot (operator/dashboard/snapshot.ts). Every value from
// the cluster goes in as text (textContent, attributes), never as HTML.
import { timelineChart } from './chart.js';

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  return node;
}

function badge(text, kind) {
  return el('span', { class: `badge badge-${(kind ?? text ?? 'none').toLowerCase()}` }, text ?? 'no status');
}

function fmt(v) {
  if (v === undefined || v === null) return '–';
  return Math.abs(v) >= 100 ? String(Math.round(v)) : String(Math.round(v * 100) / 100);
}

function conditionsList(conditions) {
  if (conditions.length === 0) return undefined;
  return el('ul', { class: 'conditions' }, ...conditions.map((c) =>
    el('li', { 'data-condition': c.type, 'data-status': c.status, title: c.message }, el('b', {}, c.type), ` ${c.status} `, el('span', { class: 'muted' }, `${c.reason}${c.message ? `: ${c.message}` : ''}`))));
}

function weightBars(branch) {
  const rows = branch.versions.map((v) => {
    const live = v.live ?? 0;
    // Through CSSOM: the page's Content-Security-Policy refuses style attributes.
    const fill = el('span', { class: 'bar-fill' });
    fill.style.width = `${Math.max(0, Math.min(100, live))}%`;
    return el('div', { class: 'bar-row', 'data-version': v.version },
      el('span', { class: 'bar-label' }, v.version),
      el('span', { class: 'bar' }, fill),
      el('span', { class: 'weight-live' }, v.live === undefined ? '–' : `${v.live}%`),
      v.live !== v.declared ? el('span', { class: 'muted weight-declared' }, `→ ${v.declared}%`) : undefined);
  });
  const head = el('div', { class: 'branch-head' }, el('b', {}, branch.branch), branch.default ? badge('default', 'default') : badge('sandbox', 'sandbox'),
    branch.match.length > 0 ? el('span', { class: 'muted' }, ` ${branch.match.join(', ')}`) : undefined);
  return el('div', { class: 'branch', 'data-branch': branch.branch }, head, ...(rows.length > 0 ? rows : [el('div', { class: 'muted' }, 'every pod of the branch')]));
}

function stepLine(step) {
  if (!step) return el('p', { class: 'step muted', 'data-step': 'none' }, 'No make-before-break step in progress.');
  const proxies = step.checkedProxies !== undefined ? `, ${step.confirmedProxies ?? 0}/${step.checkedProxies} proxies confirmed` : '';
  return el('p', { class: 'step', 'data-step': step.number }, `Step ${step.number}/${step.total}: ${step.action} ${step.kind} ${step.name}${proxies}${step.message ? ` — ${step.message}` : ''}`);
}

function checksTable(checks) {
  if (checks.length === 0) return undefined;
  return el('table', { class: 'checks' },
    el('tr', {}, el('th', {}, 'check'), el('th', {}, 'value'), el('th', {}, 'want'), el('th', {}, 'verdict')),
    ...checks.map((c) => el('tr', { 'data-check': c.name }, el('td', {}, c.name), el('td', {}, fmt(c.value)), el('td', {}, c.threshold), el('td', {}, badge(c.verdict)))));
}

const COMMAND_LABELS = { promote: 'Promote', abort: 'Abort', pause: 'Pause', resume: 'Resume' };

/** Which commands the controller would act on now (operator/cluster commandRefusal, mirrored for the buttons). */
function allowed(router, verb) {
  const p = router.progression;
  if (!router.walk || !p || (p.phase !== 'Progressing' && p.phase !== 'Paused')) return false;
  if (verb === 'pause') return p.phase !== 'Paused';
  if (verb === 'resume') return p.phase === 'Paused';
  return true;
}

function progressionBlock(router, commandResult, onCommand) {
  const p = router.progression;
  const key = `${router.namespace}/${router.name}`;
  const buttons = el('div', { class: 'commands' }, ...Object.keys(COMMAND_LABELS).map((verb) => {
    const b = el('button', { type: 'button', 'data-command': verb, disabled: !allowed(router, verb), class: verb === 'abort' ? 'danger' : '' }, COMMAND_LABELS[verb]);
    b.addEventListener('click', () => onCommand(router, verb));
    return b;
  }));
  const result = commandResult ? el('p', { class: `command-result ${commandResult.ok ? 'ok' : 'error'}`, 'data-testid': 'command-result' }, commandResult.text) : undefined;
  const summary = p
    ? el('p', { class: 'walk' }, badge(p.phase), ` step ${p.step}/${p.steps}, canary ${p.canaryWeight}%`, p.failures > 0 ? `, failed analyses ${p.failures}/${p.failureLimit}` : '', p.message ? el('span', { class: 'muted' }, ` — ${p.message}`) : undefined)
    : el('p', { class: 'walk muted' }, 'No walk state yet.');
  const walk = router.walk ? el('p', { class: 'muted' }, `Walk: steps ${router.walk.stepWeights.join(', ')}%, every ${router.walk.interval}${router.walk.pauseAt.length > 0 ? `, pausing at ${router.walk.pauseAt.join(', ')}%` : ''}`) : undefined;
  return el('div', { class: 'progression', 'data-router-progression': key },
    el('h4', {}, 'Progression'), summary, walk, checksTable(p?.checks ?? []), buttons, result,
    el('div', { class: 'chart' }, timelineChart(router.timeline, Date.now())));
}

/** Routers whose annotated objects the user unfolded: kept open across the re-render of each push. */
const openExplanations = new Set();

function provenanceCell(fields) {
  if (!fields || fields.length === 0) return el('span', { class: 'muted' }, 'no field of the final objects');
  return el('ul', { class: 'fields' }, ...fields.map((f) => el('li', { 'data-field': f.path }, el('code', {}, `${f.path}: ${f.value}`), f.effect === 'set' ? undefined : el('span', { class: 'muted' }, ` ${f.effect}`))));
}

function filterTable(router) {
  const { filters, provenance, provenanceError } = router;
  const key = `${router.namespace}/${router.name}`;
  let details = el('p', { class: 'error' }, provenanceError ?? 'no provenance');
  if (provenance) {
    details = el('details', { class: 'explain', open: openExplanations.has(key) }, el('summary', {}, 'Final VirtualService and DestinationRule, every field with its origin'), el('pre', {}, provenance.text));
    details.addEventListener('toggle', () => (details.open ? openExplanations.add(key) : openExplanations.delete(key)));
  }
  if (filters.length === 0) return el('div', { class: 'filters' }, el('h4', {}, 'Filter chain'), el('p', { class: 'muted' }, 'No IstioFilter targets this Router.'), details);
  return el('div', { class: 'filters' }, el('h4', {}, 'Filter chain (applied in this order; later filters win)'),
    el('table', {},
      el('tr', {}, el('th', {}, '#'), el('th', {}, 'IstioFilter'), el('th', {}, 'priority'), el('th', {}, 'status'), el('th', {}, 'patches'), el('th', {}, 'fields it decides'), el('th', {}, 'expires')),
      ...filters.map((f) => el('tr', { 'data-filter': f.name },
        el('td', {}, String(f.order)),
        el('td', {}, f.name),
        el('td', {}, String(f.priority)),
        el('td', {}, badge(f.phase ?? 'Pending'), f.message ? el('div', { class: 'muted' }, f.message) : undefined),
        el('td', {}, ...f.patches.map((p) => el('div', { 'data-patch': p.index }, `${p.index}: ${p.type} `, p.applied === undefined ? el('span', { class: 'muted' }, 'not reported') : p.applied ? '✓ applied' : `✗ ${p.reason ?? 'not applied'}`))),
        el('td', { class: 'provenance' }, !provenance ? '–' : provenance.rejectedByServer.includes(f.name) ? el('span', { class: 'error' }, 'left out: the API server refused its result') : provenanceCell(provenance.byFilter[`${f.namespace}/${f.name}`])),
        el('td', {}, f.expiresAt ?? '–')))),
    details);
}

export function routerCard(router, commandResult, onCommand) {
  const key = `${router.namespace}/${router.name}`;
  const stale = router.observedGeneration !== undefined && router.generation !== undefined && router.observedGeneration !== router.generation;
  return el('article', { class: 'router', 'data-router': key },
    el('h3', {}, el('span', { class: 'router-name' }, key), ' ', badge(router.phase), stale ? el('span', { class: 'muted' }, ` (status of generation ${router.observedGeneration}, spec at ${router.generation})`) : undefined),
    el('p', { class: 'muted' }, `${router.host}${router.port ? `:${router.port}` : ''} · ${router.protocol ?? ''} · propagation ${router.propagation}${router.weights ? ` · weights ${router.weights}` : ''}`),
    ...router.problems.map((p) => el('p', { class: 'error' }, p)),
    conditionsList(router.conditions),
    el('div', { class: 'branches' }, ...router.branches.map(weightBars)),
    stepLine(router.step),
    router.walk ? progressionBlock(router, commandResult, onCommand) : undefined,
    filterTable(router));
}

export function ratesState(rates) {
  if (rates.state === 'live') return `Rates from ${rates.url}, over the last ${fmt(rates.windowSeconds)} s (at ${new Date(rates.at).toLocaleTimeString()}).`;
  if (rates.state === 'unreachable') return `Rate-limit metrics unreachable at ${rates.url} since ${new Date(rates.since).toLocaleTimeString()}: ${rates.message}. Rates are not shown.`;
  if (rates.state === 'measuring') return `Measuring rates from ${rates.url}: ${rates.message}.`;
  return rates.message;
}

export function rateLimitTable(rateLimits, rates) {
  if (rateLimits.length === 0) return el('p', { class: 'muted' }, 'No RateLimit in scope.');
  const live = rates.state === 'live';
  const rate = (rl, field) => (!live ? el('span', { class: 'muted' }, rates.state === 'unreachable' ? 'unreachable' : 'n/a') : rl.rate ? `${fmt(rl.rate[field])}/s` : el('span', { class: 'muted' }, 'not counted'));
  return el('table', { class: 'ratelimits' },
    el('tr', {}, el('th', {}, 'RateLimit'), el('th', {}, 'mode'), el('th', {}, 'limit'), el('th', {}, 'hosts'), el('th', {}, 'status'), el('th', {}, 'hits'), el('th', {}, 'over limit')),
    ...rateLimits.map((rl) => el('tr', { 'data-ratelimit': rl.quota },
      el('td', {}, rl.quota),
      el('td', {}, `${rl.mode}, ${rl.side}${rl.shadow ? ', shadow' : ''}`),
      el('td', {}, rl.limit),
      el('td', {}, rl.hosts.join(', ') || '–'),
      el('td', {}, badge(rl.phase ?? 'Pending'), rl.message ? el('div', { class: 'muted' }, rl.message) : undefined),
      el('td', { class: 'rate-hits' }, rate(rl, 'hitsPerSecond')),
      el('td', { class: 'rate-over' }, rate(rl, 'overLimitPerSecond')))));
}
