import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** One YAML/JSON document read from a file, with where it came from. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document inside its file. */
  index: number;
  value: unknown;
}

/** A problem with the input, located precisely enough to fix it without guessing. */
export interface InputProblem {
  file: string;
  index: number;
  /** Dotted field path, e.g. `spec.subsets[0].versions`; empty for the whole document. */
  path: string;
  message: string;
  /** The value found at `path`, when there is one. */
  received?: unknown;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Expands files and directories (recursively, sorted) into manifest files. */
export function manifestFiles(paths: string[]): { files: string[]; problems: InputProblem[] } {
  const files: string[] = [];
  const problems: InputProblem[] = [];
  const visit = (path: string, explicit: boolean): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      problems.push({ file: path, index: 0, path: '', message: 'no such file or directory' });
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) visit(join(path, entry), false);
    } else if (explicit || MANIFEST_EXTENSIONS.has(extname(path))) {
      files.push(path);
    }
  };
  for (const p of paths) visit(p, true);
  return { files, problems };
}

/** Reads every document of every file; YAML syntax errors become problems, never exceptions. */
export function loadDocuments(paths: string[]): { documents: SourceDocument[]; problems: InputProblem[] } {
  const { files, problems } = manifestFiles(paths);
  const documents: SourceDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({ file, index: 0, path: '', message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    parseAllDocuments(text).forEach((doc, index) => {
      if ('errors' in doc && doc.errors.length > 0) {
        for (const e of doc.errors) problems.push({ file, index, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return; // empty document between separators
      documents.push({ file, index, value });
    });
  }
  return { documents, problems };
}

/** Formats a problem as `file[#doc]: path: message (received: value)`. */
export function formatProblem(p: InputProblem): string {
  const where = `${p.file}#${p.index}`;
  const path = p.path ? `${p.path}: ` : '';
  const received = p.received === undefined ? '' : ` (received: ${JSON.stringify(p.received)})`;
  return `${where}: ${path}${p.message}${received}`;
}
