/**
 * Benchmark of the controllers (`npm run bench:controllers`; not part of `npm test`).
 *
 * Starts a real kube-apiserver + etcd with the CRDs, applies BENCH_ROUTERS (default 2,000)
 * Routers, each with one IstioFilter (a timeout), over a few namespaces, then starts the
 * controllers as a child process (`node controllers/main.ts`, settle delay 0, as the
 * least-privilege service account) and measures: cold sync (controller start → every Router
 * Ready with its filter layered into its VS and its DR present), API writes during an idle
 * periodic resync, the controller's peak RSS, and the latency from a Router edit to its VS write.
 * Prints one table against the targets.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../../dev/control-plane.ts';
import { startControllerProcess, type ControllerProcess } from '../../dev/controller-process.ts';
import { applyObjects, readObjects } from '../../kube/apply-as-user.ts';
import { KubeClient, loadKubeConfig } from '../../kube/kube-client.ts';
import { applyAsUser, benchFilter, benchRouter, createNamespaces, fleet, forEachParallel } from './bench-fleet.ts';
import { peakRssMiB } from './bench-observe.ts';
import { editLatencies, idleResync, waitFleetSynced, type IdleResync } from './bench-phases.ts';

const ROUTERS = Number(process.env.BENCH_ROUTERS ?? 2_000);
const NAMESPACES = 4;
/** Writes in flight while seeding: enough to keep the API server busy without tripping its inflight limit (400). */
const SEED_PARALLELISM = 32;
const EDITS = 20;
/** Short enough that the idle-resync phase waits seconds, not the default ten minutes. */
const RESYNC_PERIOD = '15s';
const TARGETS = { coldSyncS: 60, idleWrites: 0, peakRssMiB: 300 };
const COLD_SYNC_TIMEOUT_MS = 10 * 60_000;
const RESYNC_TIMEOUT_MS = 5 * 60_000;
const EDIT_TIMEOUT_MS = 30_000;
const RBAC = fileURLToPath(new URL('../../deploy/rbac.yaml', import.meta.url));

interface Results {
  seedS: number;
  coldSyncS: number;
  idle: IdleResync;
  latenciesMs: number[];
  peakRssMiB: number;
}

async function main(): Promise<void> {
  const cp = await startControlPlane({ installCrds: true });
  let controller: ControllerProcess | undefined;
  try {
    const admin = new KubeClient(loadKubeConfig({ path: cp.kubeconfigPath }));
    await applyObjects(admin, await readObjects([RBAC]));
    const members = fleet(ROUTERS, NAMESPACES);
    await createNamespaces(admin, [...new Set(members.map((m) => m.namespace))]);
    const seedStart = performance.now();
    await forEachParallel(members, SEED_PARALLELISM, async (m) => {
      await applyAsUser(admin, benchRouter(m));
      await applyAsUser(admin, benchFilter(m));
    });
    const seedS = (performance.now() - seedStart) / 1000;
    console.error(`seeded ${ROUTERS} Routers + ${ROUTERS} IstioFilters in ${seedS.toFixed(1)} s; starting the controllers`);
    const started = performance.now();
    controller = await startControllerProcess({
      kubeconfigPath: cp.controllerKubeconfigPath,
      logPath: join(cp.logDir, 'controllers.log'),
      settleDelay: '0s',
      extraArgs: ['--resync-period', RESYNC_PERIOD],
    });
    const coldSyncS = ((await waitFleetSynced(admin, ROUTERS, COLD_SYNC_TIMEOUT_MS)) - started) / 1000;
    console.error(`cold sync ${coldSyncS.toFixed(1)} s; measuring an idle resync`);
    const idle = await idleResync(admin, controller.httpPort, ROUTERS, RESYNC_TIMEOUT_MS);
    const step = Math.max(1, Math.floor(ROUTERS / EDITS));
    const latenciesMs = await editLatencies(admin, members.filter((_, i) => i % step === 0).slice(0, EDITS), EDIT_TIMEOUT_MS);
    printTable({ seedS, coldSyncS, idle, latenciesMs, peakRssMiB: peakRssMiB(controller.proc.pid) });
    const how = await controller.signal('SIGTERM');
    if (how !== 'code 0') throw new Error(`controller ended with ${how} on SIGTERM`);
  } finally {
    await controller?.proc.stop();
    await cp.stop();
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function printTable(r: Results): void {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  const writes = r.idle.changed.length;
  const rows: [string, string, string, string][] = [
    ['cold sync (start → all Routers Ready, VS+DR written)', `${r.coldSyncS.toFixed(1)} s`, `< ${TARGETS.coldSyncS} s`, pass(r.coldSyncS < TARGETS.coldSyncS)],
    ['API writes during an idle resync (objects changed)', String(writes), String(TARGETS.idleWrites), pass(writes === TARGETS.idleWrites)],
    ['  applies during it: created / updated / unchanged', `${r.idle.applies.created} / ${r.idle.applies.updated} / ${r.idle.applies.unchanged}`, '0 / 0 / any', pass(r.idle.applies.created + r.idle.applies.updated === 0)],
    ['  reconciles during it: router / istiofilter', `${r.idle.reconciles.router} / ${r.idle.reconciles.istiofilter}`, `>= ${ROUTERS} each`, pass(Math.min(r.idle.reconciles.router, r.idle.reconciles.istiofilter) >= ROUTERS)],
    ['controller peak RSS (VmHWM)', `${r.peakRssMiB.toFixed(0)} MiB`, `< ${TARGETS.peakRssMiB} MiB`, pass(r.peakRssMiB < TARGETS.peakRssMiB)],
    [`Router edit → VS write, median of ${sorted.length}`, `${quantile(sorted, 0.5).toFixed(0)} ms`, '(reported)', ''],
    ['  p90 / max', `${quantile(sorted, 0.9).toFixed(0)} / ${(sorted.at(-1) ?? Number.NaN).toFixed(0)} ms`, '(reported)', ''],
    ['(seeding the fleet as admin, not a target)', `${r.seedS.toFixed(1)} s`, '', ''],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => row[c]?.length ?? 0), ['metric', 'value', 'target'][c]?.length ?? 0));
  const line = (cells: string[]) => cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c] ?? 0) : cell)).join('  ').trimEnd();
  console.log(`controllers benchmark: ${ROUTERS} Routers × 1 IstioFilter in ${NAMESPACES} namespaces, settle delay 0, resync ${RESYNC_PERIOD}`);
  console.log(line(['metric', 'value', 'target', 'ok']));
  for (const row of rows) console.log(line(row));
  if (writes > 0) console.log(`objects written during the idle resync (first 10): ${r.idle.changed.slice(0, 10).join(', ')}`);
}

const pass = (ok: boolean): string => (ok ? 'yes' : 'NO');

main().catch((err: unknown) => {
  console.error(`bench:controllers failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
