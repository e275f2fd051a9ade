import type { MessageRow } from "../../shared/db/schema";

/**
 * An email with several recipients, without those on the tenant's suppression list: they are left
 * out and the rest still get it. `suppressed` names why nothing is sent when no `to` is left.
 */
export function withoutSuppressedCopies(
  row: MessageRow,
  suppressed: Set<string> | undefined,
): { row: MessageRow; leftOut: string[]; suppressed?: string } {
  const envelope = row.email;
  if (!envelope || !suppressed) return { row, leftOut: [] };
  const keep = (list: string[]) => list.filter((address) => !suppressed.has(address.toLowerCase()));
  const leftOut = [...envelope.to, ...envelope.cc, ...envelope.bcc].filter((address) => suppressed.has(address.toLowerCase()));
  const to = keep(envelope.to);
  if (to.length === 0) return { row, leftOut, suppressed: `every "to" recipient is suppressed (${envelope.to.join(", ")})` };
  return { row: { ...row, email: { ...envelope, to, cc: keep(envelope.cc), bcc: keep(envelope.bcc) } }, leftOut };
}
