import { callbackUrlAt } from "../callback-url";

/** `…/webhooks/resend/<providerId>`, set by the tenant as the Resend webhook's endpoint. */
export const resendCallbackUrl = callbackUrlAt("resend", { events: "" });
