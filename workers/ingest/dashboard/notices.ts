/**
 * What a page says after a form redirected to it (`?done=<code>`). Only these fixed texts are
 * shown: a link cannot make the dashboard display words of its own choosing.
 */
export const DONE_NOTICES = {
  redriven: "Redriven: the message is queued for delivery again.",
  discarded: "Discarded: the dead letter is closed and its message stays failed.",
  canceled: "Canceled: the message will not be sent.",
  enabled: "The provider is enabled.",
  disabled: "The provider is disabled.",
  priority: "The priority was changed.",
  "provider-created": "The provider was added.",
  "provider-deleted": "The provider was deleted.",
  "tenant-created": "The tenant was created.",
  revoked: "The key was revoked; it no longer works anywhere.",
  replied: "The reply is queued for delivery.",
  closed: "The conversation is closed.",
  reopened: "The conversation is open again.",
  "contact-saved": "The contact was saved.",
} as const;
export type DoneCode = keyof typeof DONE_NOTICES;

export function doneNotice(code: string | undefined): string | undefined {
  return code && Object.hasOwn(DONE_NOTICES, code) ? DONE_NOTICES[code as DoneCode] : undefined;
}

export function withDone(path: string, code: DoneCode): string {
  return `${path}?done=${code}`;
}
