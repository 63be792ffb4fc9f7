/** A labelled tree printed with box-drawing branches, as `kubectl argo rollouts get` prints one. */
export interface TreeNode {
  label: string;
  children?: TreeNode[];
}

/** The lines of a tree: the root's label, then each child indented under `├─` / `└─`. */
export function treeLines(root: TreeNode): string[] {
  const lines = [root.label];
  const walk = (nodes: readonly TreeNode[], prefix: string): void => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      const [first, ...more] = node.label.split('\n');
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${first ?? ''}`);
      // A multi-line label continues under its own first line.
      for (const line of more) lines.push(`${prefix}${last ? '   ' : '│  '}${line}`);
      walk(node.children ?? [], `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(root.children ?? [], '');
  return lines;
}

/** Cells of a weight bar; 10 makes each cell 10%. */
export const BAR_CELLS = 10;

/** A weight (0–100) as a bar of BAR_CELLS cells, e.g. `████████░░` for 80; rounded to the nearest cell. */
export function weightBar(weight: number): string {
  const filled = Math.max(0, Math.min(BAR_CELLS, Math.round((weight / 100) * BAR_CELLS)));
  return '█'.repeat(filled) + '░'.repeat(BAR_CELLS - filled);
}

/** Rows as columns padded to their widest cell, two spaces apart (kubectl's table style). */
export function tableLines(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd();
  return [line(header), ...rows.map(line)];
}

/** A duration for people: `42s`, `3m12s`, `2h5m`, `4d`. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** `in 42s` / `42s ago` relative to `now`, or the raw text when it is not a time. */
export function relativeTime(iso: string, now: Date): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = t - now.getTime();
  return d >= 0 ? `in ${shortDuration(d)}` : `${shortDuration(-d)} ago`;
}
