/**
 * Longest value quoted in a message: enough to recognise what was written, short enough that one
 * bad value (a pasted certificate, a 1 MB key) cannot flood a terminal or an event.
 */
export const MAX_QUOTED_CHARS = 80;

/** `text` itself when at most `max` characters, else its first `max - 1` and `…` (`max` in all). */
export function cutText(text: string, max: number = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  let head = text.slice(0, max - 1);
  // Never end on half of a surrogate pair (an emoji): that would print as garbage.
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `${head}…`;
}
