/**
 * The ownership policy the caller registers: the label that marks objects its controllers own.
 * The runtime applies and deletes only objects carrying it, and watches generated kinds through
 * it. Until a label is registered the runtime owns nothing and refuses to build a selector.
 */
let ownershipLabel: { key: string; value: string } | undefined;

/** Registers the ownership label (idempotent for the same label; a different one is a programming error). */
export function setOwnershipLabel(label: { key: string; value: string }): void {
  if (ownershipLabel && (ownershipLabel.key !== label.key || ownershipLabel.value !== label.value)) {
    throw new Error(`ownership label already registered as ${ownershipLabel.key}=${ownershipLabel.value}; refusing ${label.key}=${label.value}`);
  }
  ownershipLabel = { key: label.key, value: label.value };
}

/** True when the object carries the registered ownership label. */
export function isOwned(meta: { labels?: Record<string, string> } | undefined): boolean {
  return ownershipLabel !== undefined && meta?.labels?.[ownershipLabel.key] === ownershipLabel.value;
}

/** The label selector (`key=value`) of owned objects; throws when no ownership label is registered. */
export function ownedSelector(): string {
  if (!ownershipLabel) throw new Error('no ownership label registered: call setOwnershipLabel() before watching generated kinds');
  return `${ownershipLabel.key}=${ownershipLabel.value}`;
}
