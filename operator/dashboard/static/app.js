// The dashboard page: one Server-Sent Events stream of snapshots (no reload, no polling) and the
// progression buttons, which POST to the dashboard with its token (see request-guard.ts).
import { el, rateLimitTable, ratesState, routerCard } from './render.js';

const token = document.querySelector('meta[name="switchyard-token"]').content;
/** The last command's outcome per Router (`namespace/name`), kept across re-renders. */
const results = new Map();
let latest;

function setConnection(state, text) {
  const badge = document.getElementById('connection');
  badge.dataset.state = state;
  badge.textContent = text;
}

async function sendCommand(router, verb) {
  const key = `${router.namespace}/${router.name}`;
  results.set(key, { ok: true, text: `${verb}: sending…` });
  render();
  try {
    const res = await fetch(`/api/routers/${encodeURIComponent(router.namespace)}/${encodeURIComponent(router.name)}/${verb}`, {
      method: 'POST',
      headers: { 'x-switchyard-token': token },
    });
    const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
    results.set(key, res.ok ? { ok: true, text: `${verb}: annotation switchyard.io/progression=${body.annotation} written; waiting for the controller` } : { ok: false, text: `${verb} failed (HTTP ${res.status}): ${body.error}` });
  } catch (err) {
    results.set(key, { ok: false, text: `${verb} failed: ${err.message}` });
  }
  render();
}

function render() {
  const snap = latest;
  if (!snap) return;
  document.getElementById('scope').textContent = `${snap.namespace === undefined ? 'all namespaces' : `namespace ${snap.namespace}`} · ${snap.server}${snap.synced ? '' : ' · listing…'}`;
  const errors = document.getElementById('errors');
  errors.replaceChildren(...snap.errors.map((e) => el('p', { class: 'error', 'data-kind': e.kind }, `${e.message} (at ${new Date(e.at).toLocaleTimeString()}; retrying)`)));
  const routers = document.getElementById('routers');
  if (snap.routers.length === 0) routers.replaceChildren(el('p', { class: 'muted' }, snap.synced ? 'No Router in scope.' : 'listing Routers…'));
  else routers.replaceChildren(...snap.routers.map((r) => routerCard(r, results.get(`${r.namespace}/${r.name}`), sendCommand)));
  const ratesLine = document.getElementById('rates-state');
  ratesLine.textContent = ratesState(snap.rates);
  ratesLine.dataset.state = snap.rates.state;
  document.getElementById('ratelimits').replaceChildren(rateLimitTable(snap.rateLimits, snap.rates));
  document.body.dataset.generatedAt = snap.generatedAt;
}

function connect() {
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('snapshot', (e) => {
    latest = JSON.parse(e.data);
    setConnection('live', 'live');
    render();
  });
  // EventSource reconnects by itself (the server asks for 2 s); say so meanwhile.
  source.addEventListener('error', () => setConnection('down', 'disconnected, reconnecting…'));
}

connect();
