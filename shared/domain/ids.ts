import { customAlphabet } from "nanoid";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const idBody = customAlphabet(ALPHABET, 21);
const secretBody = customAlphabet(ALPHABET, 40);

export const ID_PREFIXES = {
  message: "msg",
  event: "evt",
  provider: "prv",
  tenant: "ten",
  apiKey: "key",
  deadLetter: "dlq",
  template: "tpl",
  request: "req",
  archiveRun: "arc",
  device: "dev",
  webhookEndpoint: "wep",
  webhookDelivery: "whd",
  webhookAttempt: "wat",
  contact: "ctc",
  conversation: "cnv",
  media: "med",
  optOut: "opt",
  bulkOperation: "bop",
  audit: "aud",
  alertRule: "alr",
  conversationEvent: "cev",
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${idBody()}`;
}

/** The id of another kind that shares `id`'s random characters: one thing's id derived from another's, the same every time. */
export function idSharing(kind: IdKind, id: string): string {
  return `${ID_PREFIXES[kind]}_${id.slice(id.indexOf("_") + 1)}`;
}

/** An API key secret: `rk_` + 40 random characters (~238 bits). */
export function newApiKeySecret(): string {
  return `rk_${secretBody()}`;
}

/** The part of a key stored in plain text, so people can tell their keys apart. */
export function apiKeyPrefix(key: string): string {
  return key.slice(0, 10);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Accept a caller's x-request-id only when it is a sane token; otherwise make our own. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : newId("request");
}
