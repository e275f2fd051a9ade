import { type Context, Hono } from "hono";
import { log } from "../../../shared/observability/logger";
import type { CallbackDeps, CallbackResult, CallbackRoute } from "../../../shared/providers/provider";
import { type AnyProviderModule, PROVIDER_MODULES } from "../../../shared/providers/registry";
import type { WebhooksBindings } from "../context";
import { fetchPendingMedia } from "../media/fetch-media";
import { analysisDebounceSeconds, queueInboundAnalysis } from "../recording/inbound-analysis";
import { type CallbackProvider, enabledProvider } from "../recording/provider-lookup";
import { recordCallback } from "../recording/record-callback";
import { recordInbound } from "../recording/record-inbound";
import { rawBody } from "../request-body";
import { envelope } from "../respond";

/** Outbound requests of the callback side (SNS certificates, subscription confirmations); bound so workerd accepts the call. */
const deps: CallbackDeps = { fetch: (url, init) => fetch(url, init) };

/** The provider module whose callback URL this is, with what the URL names. */
function callbackAt(url: string): { module: AnyProviderModule; route: CallbackRoute } | undefined {
  for (const module of PROVIDER_MODULES) {
    const route = module.callback?.url.parse(url);
    if (route) return { module, route };
  }
  return undefined;
}

async function recorded(c: Context<WebhooksBindings>, module: AnyProviderModule, provider: CallbackProvider, result: CallbackResult) {
  const received = { provider: { id: provider.id, tenantId: provider.tenantId }, requestId: c.get("requestId") };
  switch (result.kind) {
    case "status": {
      const { kind: _kind, ...callback } = result;
      return envelope(c, await recordCallback(c.get("db"), { ...callback, ...received }));
    }
    case "inbound": {
      const { kind: _kind, reply, ...inbound } = result;
      const { withMedia, analysis, ...recordResult } = await recordInbound(
        c.get("db"),
        { ...inbound, ...received },
        analysisDebounceSeconds(c.env),
      );
      // The provider gets its answer now; the attachments are fetched after it (and by the cron if that fails).
      if (withMedia) c.executionCtx.waitUntil(fetchMediaOf(c, recordResult.messageIds));
      await queueInboundAnalysis(c.env, { ...recordResult, analysis });
      const answer = recordResult.reply && module.callback?.replyWith ? module.callback.replyWith(recordResult.reply) : reply;
      return answer ? c.body(answer.body, 200, { "content-type": answer.contentType }) : envelope(c, recordResult);
    }
    case "subscription-confirmed":
      log.info("webhooks.sns_subscription_confirmed", { providerId: provider.id, topicArn: result.topicArn });
      return envelope(c, { result: "confirmed", topicArn: result.topicArn });
    case "ignored":
      return envelope(c, { result: "ignored", messageIds: [] });
    case "answered":
      return c.body(result.reply.body, 200, { "content-type": result.reply.contentType });
  }
}

async function fetchMediaOf(c: Context<WebhooksBindings>, messageIds: string[]): Promise<void> {
  try {
    await fetchPendingMedia(c.get("db"), c.env, { messageIds });
  } catch (error) {
    log.error("webhooks.media_fetch_error", { messageIds, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Every provider's callbacks: the registry's modules say which URLs are theirs and what a
 * verified callback means; this route finds the enabled provider, and records the result.
 */
export const callbackRoutes = new Hono<WebhooksBindings>().post("/webhooks/*", async (c) => {
  const target = callbackAt(c.req.url);
  const callback = target?.module.callback;
  if (!target || !callback) return c.notFound();
  const provider = await enabledProvider(c.get("db"), c.env, target.module, target.route.providerId);
  const request = { url: c.req.url, headers: c.req.raw.headers, rawBody: await rawBody(c.req) };
  const result = await callback.handle(request, { route: target.route, providerId: provider.id, config: provider.config }, deps);
  return recorded(c, target.module, provider, result);
});
