import { callbackUrlAt } from "../callback-url";

/** `…/webhooks/twilio/<providerId>` for status callbacks (with `?messageId=`), `…/inbound` for incoming SMS. */
export const twilioCallbackUrl = callbackUrlAt("twilio", { status: "", inbound: "inbound" });
