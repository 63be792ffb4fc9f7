/**
 * Fuzz test of the offline CLI (issue 10, item 7, property 4): on ~40 random files — valid
 * Routers with filters, mutated documents, live objects, garbage, invalid UTF-8, huge, deeply
 * nested, alias bombs — `validate`, `render` and `plan` exit 0, 1 or 2 (never 3, never killed),
 * print no stack trace, and a render or plan that succeeds prints only objects Istio accepts.
 * Spawning is the cost (~1.5 s a run), so the files go to a few runs in parallel; a failing run
 * is repeated file by file to name the file.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { istioRuleProblems } from '../core/istio/istio-rules.ts';
import type { DestinationRule, VirtualService } from '../core/istio/types.ts';
import { validateIstioObject } from '../core/istio/validate.ts';
import { caseRng, chance, reproduce } from '../core/fuzz/prng.test-support.ts';
import { CLI } from './support/cli-run.ts';
import { hostileFiles, mutatedFile, renderingRouter, type FuzzFile } from './support/fuzz-files.ts';

/** Fixed so CI is deterministic; FUZZ_SEED explores others. */
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) >>> 0 : 0xc11_2026;
const VALID = 10;
const LIVE = 4;
const MUTATED = 8;
/** Runs at once: the machine has two cores, and each run is one busy Node process. */
const PARALLEL = 3;
/** A run past this is hung (an alias bomb or deep nesting not refused): a failure, not a wait. */
const RUN_TIMEOUT_MS = 45_000;
const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
/** A Node process warning (`(node:123) Warning: …`): noise outside the file#doc problem format. */
const PROCESS_WARNING = /^\(node:\d+\) /m;
/** A JavaScript error's words in a message: a bug caught and printed rather than a problem named. */
const JS_ERROR = /\b(TypeError|ReferenceError|SyntaxError: Unexpected|Cannot read properties|is not a function|is not iterable)\b/;

interface Run {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { timeout: RUN_TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('close', (code, signal) => resolve({ args, code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return results;
}

/** What is wrong with a run whatever its input: an exit code other than 0, 1, 2, a stack trace, half a result. */
function runProblems(r: Run): string[] {
  const problems: string[] = [];
  if (r.code === null || ![0, 1, 2].includes(r.code)) problems.push(`exit ${r.code ?? `by signal ${r.signal}`}`);
  if (STACK_LINE.test(r.stderr) || STACK_LINE.test(r.stdout)) problems.push('a stack trace');
  if (PROCESS_WARNING.test(r.stderr)) problems.push(`a process warning: ${r.stderr.match(/^\(node:\d+\) .*$/m)?.[0]}`);
  if (JS_ERROR.test(r.stderr)) problems.push(`a JavaScript error in a message: ${r.stderr.split('\n').find((l) => JS_ERROR.test(l))}`);
  if (/internal error/.test(r.stderr)) problems.push(`an internal error: ${r.stderr.split('\n').find((l) => l.includes('internal error'))}`);
  if (r.code === 1 && r.args[0] !== 'validate' && r.stdout !== '') problems.push('output on stdout although it failed (a partial result)');
  if (r.code === 1 && r.stderr.trim() === '') problems.push('exit 1 without saying why');
  return problems;
}

/** What a successful render or `plan -o yaml` printed that Istio would refuse. */
function outputProblems(r: Run): string[] {
  if (r.code !== 0 || r.args[0] === 'validate' || (r.args[0] === 'plan' && !r.args.includes('yaml'))) return [];
  return parseAllDocuments(r.stdout).flatMap((doc, i) => {
    if (doc.errors.length > 0) return [`output document ${i} is not YAML: ${doc.errors[0]?.message}`];
    const obj = doc.toJS() as (VirtualService | DestinationRule | { kind: 'Service' | 'EnvoyFilter'; metadata?: { name?: string } }) | null;
    if (obj === null || obj.kind === 'EnvoyFilter') return [];
    const rules = obj.kind === 'VirtualService' || obj.kind === 'DestinationRule' ? istioRuleProblems(obj).map((p) => `${p.path}: ${p.rule}`) : [];
    return [...validateIstioObject(obj).map((issue) => `${issue.path}: ${issue.message}`), ...rules].map((p) => `output ${obj.kind} ${obj.metadata?.name}: ${p}`);
  });
}

function write(dir: string, files: FuzzFile[]): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const path = join(dir, f.name);
    writeFileSync(path, f.content);
    return path;
  });
}

describe('the CLI on random files', () => {
  let root: string;
  const groups: Record<'valid' | 'live' | 'mutated' | 'hostile', string[]> = { valid: [], live: [], mutated: [], hostile: [] };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'switchyard-fuzz-cli-'));
    const rng = caseRng(SEED, 0);
    const valid: FuzzFile[] = [];
    for (let i = 0; i < VALID; i++) {
      const { docs } = renderingRouter(rng, `r${i}`);
      // JSON is read as YAML; a List keeps several objects in one JSON document.
      valid.push(chance(rng, 0.2) ? { name: `r${i}.json`, content: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }) } : { name: `r${i}.yaml`, content: docs.map((d) => JSON.stringify(d)).join('\n---\n') });
    }
    // Live objects of other draws of the same Routers, so plans have steps to take.
    const live = Array.from({ length: LIVE }, (_, i): FuzzFile => ({ name: `live-r${i}.yaml`, content: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: renderingRouter(rng, `r${i}`).live }) }));
    groups.valid = write(join(root, 'valid'), valid);
    groups.live = write(join(root, 'live'), live);
    groups.mutated = write(join(root, 'mutated'), Array.from({ length: MUTATED }, (_, i) => mutatedFile(rng, `m${i}`)));
    groups.hostile = write(join(root, 'hostile'), hostileFiles(rng, 'r0'));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(`exits 0, 1 or 2 without a stack trace, and prints only what Istio accepts (${VALID + LIVE + MUTATED + 19} files)`, async () => {
    const f = (paths: string[]): string[] => paths.flatMap((p) => ['-f', p]);
    const live = (paths: string[]): string[] => paths.flatMap((p) => ['--live', p]);
    const runs: string[][] = [
      ['validate', ...f(groups.valid)],
      ['render', ...f(groups.valid)],
      ['plan', ...f(groups.valid), ...live(groups.live), '-o', 'yaml'],
      ['validate', ...f(groups.mutated)],
      ['render', ...f(groups.mutated)],
      ['plan', ...f(groups.mutated), ...live(groups.live)],
      ['validate', '-f', join(root, 'hostile')],
      ['render', ...f(groups.hostile)],
      ['plan', ...f(groups.valid), ...live(groups.hostile)],
    ];
    const results = await inBatches(runs, PARALLEL, runCli);
    const failures: string[] = [];
    for (const r of results) {
      const problems = [...runProblems(r), ...outputProblems(r)];
      if (problems.length > 0) failures.push(`switchyard ${r.args[0]} (${r.args.length} args): ${problems.join('; ')}\n${await culprits(r.args)}`);
    }
    expect(failures, `${reproduce(SEED, 0)}; files kept in ${root}`).toEqual([]);
    // The valid Routers must get through: a generator gone wrong would make this test vacuous.
    const [validate, render, plan] = results;
    expect(render?.code, render?.stderr).toBe(0);
    expect(plan?.code, plan?.stderr).toBe(0);
    expect(plan?.stdout).toMatch(/kind: (DestinationRule|VirtualService)/);
    expect([0, 1]).toContain(validate?.code);
    // Every hostile file is refused by name, none silently skipped.
    const hostile = results[6];
    for (const file of groups.hostile.filter((p) => !/empty|separators|merge-keys/.test(p))) expect(hostile?.stderr, file).toContain(file);
  }, 120_000);
});

/** The files of a failing run that fail alone, each with what is wrong. */
async function culprits(args: string[]): Promise<string> {
  const [command, ...rest] = args;
  const inputs: [string, string][] = [];
  for (let i = 0; i < rest.length; i++) if (rest[i] === '-f' || rest[i] === '--live') inputs.push([rest[i] as string, rest[++i] as string]);
  const fixed = command === 'plan' ? inputs.filter(([flag]) => flag === '--live').slice(0, 1).flat() : [];
  const single = await inBatches(inputs.filter(([flag]) => flag === '-f'), PARALLEL, ([flag, path]) => runCli([command as string, flag, path, ...fixed]));
  return single
    .map((r) => ({ r, problems: [...runProblems(r), ...outputProblems(r)] }))
    .filter((x) => x.problems.length > 0)
    .map((x) => `  ${x.r.args.join(' ')}: ${x.problems.join('; ')}\n${x.r.stderr.slice(0, 2_000)}`)
    .join('\n');
}
