import { readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileProblem, type InputProblem } from './input-problem.ts';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** A directory being walked: its real path (symlinks resolved) and the path the user gave. */
interface OpenDirectory {
  real: string;
  shown: string;
}

/** The walk's results so far. */
interface Walk {
  files: string[];
  problems: InputProblem[];
  /** Real paths of the files listed. */
  seen: Set<string>;
}

/**
 * Expands files and directories (recursively, sorted) into manifest files, each once (one file
 * named twice, or reached through two symlinks, is one input). Inside directories only `*.yaml`,
 * `*.yml` and `*.json` are read; a file named explicitly is read whatever its name. Never throws:
 * a missing or unreadable path, or a symlink leading back into a directory being walked (which
 * would recurse forever), is a problem naming the path.
 */
export function manifestFiles(paths: string[]): { files: string[]; problems: InputProblem[] } {
  const walk: Walk = { files: [], problems: [], seen: new Set() };
  for (const p of paths) visit(walk, p, true, []);
  return { files: walk.files, problems: walk.problems };
}

function visit(walk: Walk, path: string, explicit: boolean, open: OpenDirectory[]): void {
  let isDirectory: boolean;
  let real: string;
  try {
    isDirectory = statSync(path).isDirectory();
    real = realpathSync(path);
  } catch (err) {
    walk.problems.push(fileProblem(path, fsErrorMessage(err)));
    return;
  }
  if (!isDirectory) {
    if ((explicit || MANIFEST_EXTENSIONS.has(extname(path))) && !walk.seen.has(real)) walk.files.push(path);
    walk.seen.add(real);
    return;
  }
  const ancestor = open.find((d) => d.real === real);
  if (ancestor) {
    walk.problems.push(fileProblem(path, `symlink loop: leads back to ${ancestor.shown}`));
    return;
  }
  let entries: string[];
  try {
    entries = readdirSync(path).sort();
  } catch (err) {
    walk.problems.push(fileProblem(path, fsErrorMessage(err)));
    return;
  }
  for (const entry of entries) visit(walk, join(path, entry), false, [...open, { real, shown: path }]);
}

/** What a failed stat/readdir/read means to the user, without Node's syscall jargon. */
export function fsErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'ELOOP':
      return 'symlink loop: too many levels of symbolic links';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${code ?? (err as Error).message}`;
  }
}
