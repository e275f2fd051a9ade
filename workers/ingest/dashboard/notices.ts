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
  "provider-saved": "The settings were saved; stored secrets left blank were kept.",
  "tenant-created": "The tenant was created.",
  "template-created": "The template was created as version 1.",
  "template-saved": "Saved as a new version; earlier versions and accepted messages are unchanged.",
  "template-deleted": "The template and its versions were deleted.",
  revoked: "The key was revoked; it no longer works anywhere.",
  "key-shown-once": "A new key is shown once only and was not kept; if it was not copied, revoke it and issue another.",
  "webhook-created": "The endpoint was added.",
  "webhook-enabled": "The endpoint is enabled.",
  "webhook-disabled": "The endpoint is disabled: it receives nothing.",
  "webhook-replayed": "Queued: the events will be delivered again.",
  "webhook-rotated": "The secret was rotated: both secrets sign for 24 hours.",
  "webhook-deleted": "The endpoint was deleted.",
  replied: "The reply is queued for delivery.",
  closed: "The conversation is closed.",
  reopened: "The conversation is open again.",
  "contact-saved": "The contact was saved.",
  "alert-created": "The alert rule was added; Relay checks it every minute.",
  "alert-saved": "The alert rule was changed.",
  "alert-enabled": "The alert rule is enabled.",
  "alert-disabled": "The alert rule is disabled: it sends nothing.",
  "alert-deleted": "The alert rule was deleted.",
  "analysis-requested": "The analysis is requested: it shows here once the analysis queue has run it.",
  "analysis-saved": "The analysis settings were saved.",
} as const;
export type DoneCode = keyof typeof DONE_NOTICES;

export function doneNotice(code: string | undefined): string | undefined {
  return code && Object.hasOwn(DONE_NOTICES, code) ? DONE_NOTICES[code as DoneCode] : undefined;
}

export function withDone(path: string, code: DoneCode): string {
  return `${path}?done=${code}`;
}
