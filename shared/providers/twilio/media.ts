import { textToBase64 } from "../../encoding/bytes";
import { downloadFile, sameOrigin } from "../media-download";
import type { MediaSource } from "../provider";
import { DEFAULT_BASE_URL } from "./adapter";
import type { TwilioConfig } from "./config";

/**
 * An MMS's MediaUrl, fetched with the account's basic auth (Twilio may require it for media).
 * The credentials go only to the Twilio API's own origin; Twilio redirects to the file's storage,
 * which gets none.
 */
export const twilioMedia: MediaSource<TwilioConfig> = {
  download(source, config, { outbound, signal }) {
    const authorization = `Basic ${textToBase64(`${config.accountSid}:${config.authToken}`)}`;
    const api = config.baseUrl ?? DEFAULT_BASE_URL;
    return downloadFile({ url: source, outbound, signal, authorizationFor: (url) => (sameOrigin(url, api) ? authorization : undefined) });
  },
};
