// The dashboard as a user runs it (`kubectl-switchyard dashboard --port 0`, a child process printing
// its URL) and Debian's chromium driven headless by playwright-core, with screenshots kept under
// test-artifacts/dashboard/ (ignored by git).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
const PLUGIN = join(ROOT, 'operator', 'bin', 'kubectl-switchyard.js');
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
/** The README's screenshot, rewritten when SWITCHYARD_DOCS_SCREENSHOT=1 (`npm run docs:dashboard`). */
export const DOCS_SCREENSHOT = join(ROOT, 'docs', 'dashboard.png');
/** The dashboard lists and binds within a second; a loaded CI host gets room. */
const START_TIMEOUT_MS = 20_000;

export interface DashboardProcess {
  url: string;
  /** Everything the process wrote so far, both streams. */
  output(): string;
  /** SIGINT, as Ctrl-C; resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `kubectl-switchyard dashboard --port 0 …args` and resolves with the URL it printed. */
export function startDashboardProcess(args: string[]): Promise<DashboardProcess> {
  const child: ChildProcess = spawn(process.execPath, [PLUGIN, 'dashboard', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the dashboard printed no URL within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      resolve({
        url,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the dashboard exited with ${code} before printing its URL:\n${output}`));
    });
  });
}

/** Debian's chromium (scripts/harness/ensure-chromium.sh, run by the global setup), headless. */
export function launchChromium(): Promise<Browser> {
  const executablePath = execFileSync('bash', [join(ROOT, 'scripts', 'harness', 'ensure-chromium.sh')], { encoding: 'utf8' }).trim();
  // --no-sandbox: CI containers run as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Writes a full-page screenshot to test-artifacts/dashboard/<name>.png, prints and returns its path. */
export async function keepScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`dashboard screenshot: ${path}`);
  return path;
}

/** With SWITCHYARD_DOCS_SCREENSHOT=1, also rewrites docs/dashboard.png from this page (full page, 1x). */
export async function maybeDocsScreenshot(page: Page): Promise<void> {
  if (process.env.SWITCHYARD_DOCS_SCREENSHOT !== '1') return;
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });
  console.log(`docs screenshot: ${DOCS_SCREENSHOT}`);
}
