import { pushContentOf } from "../../domain/push-content";
import { credentialsRefused, isAuthRefusal, unexpectedAnswer, unreachableCheck } from "../check-result";
import { rejected, unavailable, unreachable } from "../http-outcome";
import { readJson, stringAt } from "../json-body";
import type { CheckResult, OutboundMessage, Provider, SendOutcome } from "../provider";
import { withoutSecrets } from "../secret-redaction";
import { AccessTokenError, accessTokenFor, forgetAccessToken, requestAccessToken } from "./access-token";
import type { FcmConfig } from "./config";
import { classifyFcmError } from "./error";
import { fcmMessage } from "./message";

const DEFAULT_BASE_URL = "https://fcm.googleapis.com";
/** A token no device holds: `validate_only` against it proves the credentials without sending anything. */
const PROBE_TOKEN = "relay-credential-check";

/** Push through FCM HTTP v1 `messages:send`, with an OAuth access token shared by every send of the isolate. */
export class FcmAdapter implements Provider {
  readonly type = "fcm" as const;

  constructor(
    readonly id: string,
    private readonly config: FcmConfig,
  ) {}

  async send(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    return withoutSecrets(await this.attemptSend(message, signal), this.secrets());
  }

  async check(signal: AbortSignal): Promise<CheckResult> {
    return withoutSecrets(await this.attemptCheck(signal), this.secrets());
  }

  private async attemptSend(message: OutboundMessage, signal: AbortSignal): Promise<SendOutcome> {
    const token = registrationToken(message);
    if (!token) return rejected("wrong_platform", `an FCM provider cannot reach a ${message.device?.platform} device`);
    const content = pushContentOf(message.content);
    if (!content) return rejected("invalid_content", "the message's content is not push content");
    let accessToken: string;
    try {
      accessToken = await accessTokenFor(this.config.serviceAccount, signal);
    } catch (error) {
      return tokenFailure(error);
    }
    try {
      const response = await this.post(accessToken, { message: fcmMessage(token, content) }, signal);
      const body = await readJson(response);
      if (response.status === 200) {
        const name = stringAt(body, "name");
        return name
          ? { kind: "sent", providerMessageId: name }
          : unavailable("unexpected_response", "FCM answered 200 without a message name");
      }
      if (response.status === 401) forgetAccessToken(this.config.serviceAccount, accessToken);
      return classifyFcmError(response.status, response.headers, body);
    } catch (error) {
      return unreachable(error, signal);
    }
  }

  private async attemptCheck(signal: AbortSignal): Promise<CheckResult> {
    let accessToken: string;
    try {
      accessToken = (await requestAccessToken(this.config.serviceAccount, signal)).token;
    } catch (error) {
      if (error instanceof AccessTokenError && error.refused) return credentialsRefused(error.status ?? 400, "Google's token endpoint");
      return unreachableCheck(signal, error);
    }
    try {
      const response = await this.post(accessToken, { validate_only: true, message: { token: PROBE_TOKEN } }, signal);
      if (isAuthRefusal(response.status)) return credentialsRefused(response.status, "FCM");
      // The probe token is refused as a token, which FCM says only after it accepted the credentials.
      if (response.status === 200 || response.status === 400 || response.status === 404)
        return { ok: true, message: "the service account is valid: an access token was issued and FCM accepted it" };
      return unexpectedAnswer(response.status, "FCM");
    } catch (error) {
      return unreachableCheck(signal, error);
    }
  }

  private post(accessToken: string, body: unknown, signal: AbortSignal): Promise<Response> {
    const base = (this.config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    return fetch(`${base}/v1/projects/${encodeURIComponent(this.config.serviceAccount.project_id)}/messages:send`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
      signal,
      redirect: "manual",
    });
  }

  private secrets(): string[] {
    return [this.config.serviceAccount.private_key];
  }
}

/** The device's FCM token, or the raw token a push was addressed to; none for another platform's device. */
function registrationToken(message: OutboundMessage): string | undefined {
  if (!message.device) return message.to;
  return message.device.platform === "fcm" ? message.device.token : undefined;
}

function tokenFailure(error: unknown): SendOutcome {
  if (error instanceof AccessTokenError)
    return unavailable(error.refused ? "auth_refused" : "token_unavailable", `no FCM access token: ${error.message}`);
  return unavailable("token_unavailable", "no FCM access token");
}
