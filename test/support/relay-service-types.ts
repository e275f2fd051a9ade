/** Compile-time checks (npm run typecheck) that RelayService.send takes the typed message request. */
import type { RelaySendInput } from "../../workers/ingest/service-binding";

export const accepted: RelaySendInput = { tenantId: "ten_1", message: { channel: "sms", to: "+14155550100", content: { text: "Hi" } } };
// @ts-expect-error an email needs a subject
export const noSubject: RelaySendInput = { tenantId: "ten_1", message: { channel: "email", to: "a@example.com", content: { text: "Hi" } } };
// @ts-expect-error no such channel
export const fax: RelaySendInput = { tenantId: "ten_1", message: { channel: "fax", to: "+14155550100", content: { text: "Hi" } } };
export const byTemplate: RelaySendInput = {
  tenantId: "ten_1",
  message: { channel: "email", to: "a@example.com", template: { id: "tpl_1" } },
};
export const templateAndSubject: RelaySendInput = {
  tenantId: "ten_1",
  // @ts-expect-error a template gives the subject
  message: { channel: "email", to: "a@example.com", subject: "Hi", template: { id: "tpl_1" } },
};
