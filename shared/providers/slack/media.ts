import { downloadFile, sameOrigin } from "../media-download";
import type { MediaSource } from "../provider";
import type { SlackConfig } from "./config";
import { DEFAULT_BASE_URL } from "./web-api";

/** Where Slack serves `url_private` files; a `baseUrl` override (a fake) serves them itself. */
const SLACK_FILES = "https://files.slack.com";

/** A shared file's `url_private`, fetched with the bot token (which needs `files:read`), sent only to Slack's file host. */
export const slackMedia: MediaSource<SlackConfig> = {
  download(source, config, { outbound, signal }) {
    const ownHost = (url: URL) => sameOrigin(url, SLACK_FILES) || sameOrigin(url, config.baseUrl ?? DEFAULT_BASE_URL);
    const authorization = `Bearer ${config.botToken}`;
    return downloadFile({ url: source, outbound, signal, authorizationFor: (url) => (ownHost(url) ? authorization : undefined) });
  },
};
