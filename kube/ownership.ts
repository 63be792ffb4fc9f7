/**
 * The ownership policy the caller registers: who owns what the runtime writes — the label that
 * marks owned objects, the field manager of every write, and the owner's name for messages. The
 * runtime applies and deletes only objects carrying the label, and watches generated kinds
 * through it. Until a policy is registered the runtime owns nothing and refuses to write.
 */
export interface OwnershipPolicy {
  /** Shown in messages ("is not managed by <owner>"). */
  owner: string;
  /** The label every owned object carries. */
  label: { key: string; value: string };
  /** Field manager of every server-side apply; visible in managedFields. */
  fieldManager: string;
}

let policy: OwnershipPolicy | undefined;

/** Registers the ownership policy (idempotent for the same policy; a different one is a programming error). */
export function setOwnership(next: OwnershipPolicy): void {
  if (policy && JSON.stringify(policy) !== JSON.stringify(next)) {
    throw new Error(`ownership already registered as ${JSON.stringify(policy)}; refusing ${JSON.stringify(next)}`);
  }
  policy = { owner: next.owner, label: { ...next.label }, fieldManager: next.fieldManager };
}

/** The registered policy; throws when none is (a write before registration is a programming error). */
export function ownership(): OwnershipPolicy {
  if (!policy) throw new Error('no ownership policy registered: call setOwnership() before watching or writing');
  return policy;
}

/** True when the object carries the registered ownership label. */
export function isOwned(meta: { labels?: Record<string, string> } | undefined): boolean {
  return policy !== undefined && meta?.labels?.[policy.label.key] === policy.label.value;
}

/** The label selector (`key=value`) of owned objects. */
export function ownedSelector(): string {
  const { label } = ownership();
  return `${label.key}=${label.value}`;
}
