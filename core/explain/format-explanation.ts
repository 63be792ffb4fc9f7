import { stringify } from 'yaml';
import { childPath, children, isLeaf } from './field-path.ts';
import type { Explanation, ExplainedFilter, FieldProvenance, ObjectProvenance, Origin, Overwritten } from './types.ts';
import { YAML_OPTIONS } from '../yaml-text.ts';

/** Annotations start at this column at most: long lines get theirs two spaces after them. */
const ANNOTATION_COLUMN = 64;

interface Line {
  text: string;
  /** The leaf this line shows, if it shows one. */
  path?: string;
}

/** A scalar as YAML shows it, on one line. */
export function scalarText(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  const text = stringify(value, YAML_OPTIONS).trimEnd();
  return text.includes('\n') ? JSON.stringify(value) : text;
}

/** Kubernetes-style YAML (lists not indented under their key), one line per leaf, each with its path. */
function yamlLines(value: unknown, path: string, indent: number): Line[] {
  const pad = ' '.repeat(indent);
  const out: Line[] = [];
  for (const [key, child] of children(value)) {
    const at = childPath(path, key);
    const head = typeof key === 'number' ? `${pad}-` : `${pad}${scalarText(key)}:`;
    if (isLeaf(child)) {
      out.push({ text: `${head} ${scalarText(child)}`, path: at });
    } else if (typeof key === 'number' && !Array.isArray(child)) {
      // The first field of a list item shares the dash's line.
      const inner = yamlLines(child, at, indent + 2);
      out.push({ ...inner[0]!, text: `${pad}- ${inner[0]!.text.slice(indent + 2)}` }, ...inner.slice(1));
    } else {
      out.push({ text: head }, ...yamlLines(child, at, Array.isArray(child) && typeof key !== 'number' ? indent : indent + 2));
    }
  }
  return out;
}

function patchText(origin: Extract<Origin, { by: 'IstioFilter' }>): string {
  const ops = origin.patch.ops?.map((o) => `${o.op} ${o.path}`).join(', ');
  return `patch ${origin.patch.index} (${origin.patch.type}${ops ? ` ${ops}` : ''})`;
}

/** Who set a value, in one phrase: `Router shop/reviews` or `IstioFilter chaos/latency patch 0 (fault), priority 100`. */
export function originText(origin: Origin): string {
  if (origin.by === 'Router') return `Router ${origin.namespace}/${origin.name}`;
  return `IstioFilter ${origin.namespace}/${origin.name} ${patchText(origin)}, priority ${origin.priority}`;
}

function overwroteText(o: Overwritten): string {
  return `overwrote ${scalarText(o.value)} set by ${originText(o.setBy)}`;
}

function annotation(field: FieldProvenance, router: string): string {
  const who = field.setBy.by === 'Router' && `${field.setBy.namespace}/${field.setBy.name}` === router ? 'Router' : originText(field.setBy);
  return field.overwrote ? `${who}; ${overwroteText(field.overwrote)}` : who;
}

/** One object as YAML, each leaf annotated with who set it (and what it overwrote), then what patches removed. */
export function formatObjectProvenance(object: ObjectProvenance, router: string): string {
  const byPath = new Map(object.fields.map((f) => [f.path, f]));
  const lines = yamlLines(object.object, '', 0);
  const width = Math.min(ANNOTATION_COLUMN, Math.max(...lines.map((l) => l.text.length)));
  const body = lines.map((l) => {
    const field = l.path === undefined ? undefined : byPath.get(l.path);
    return field ? `${l.text.padEnd(width)}  # ${annotation(field, router)}` : l.text;
  });
  const removed = object.removed.map((r) => `#   ${r.path}: ${scalarText(r.value)} (set by ${originText(r.setBy)}) removed by ${originText(r.removedBy)}`);
  return [`# ${object.kind} ${object.namespace}/${object.name}`, ...body, ...(removed.length ? ['# Removed by patches:', ...removed] : [])].join('\n');
}

function filterLine(f: ExplainedFilter): string {
  const failed = f.patches.filter((p) => !p.applied && p.reason).map((p) => `patch ${p.index} (${p.type}): ${p.reason}`);
  const detail = f.phase === 'Applied' ? (f.message ?? '') : (failed[0] ?? f.message ?? '');
  return `#   ${f.position}. ${f.namespace}/${f.name}  priority ${f.priority}  ${f.phase}${detail ? `: ${detail}` : ''}`;
}

/**
 * `explain` as text: the filter chain in order with each filter's outcome, then the final
 * VirtualService and DestinationRule as YAML with the origin of every field on its line.
 */
export function formatExplanation(e: Explanation): string {
  const router = `${e.router.namespace}/${e.router.name}`;
  const chain = e.filters.length === 0 ? ['# IstioFilters: none target this Router'] : [`# IstioFilters in chain order (lower priority first; later ones win):`, ...e.filters.map(filterLine)];
  return [
    `# Router ${router}: fields marked "Router" are rendered from the Router's spec`,
    ...chain,
    '',
    formatObjectProvenance(e.virtualService, router),
    '',
    formatObjectProvenance(e.destinationRule, router),
    '',
  ].join('\n');
}
