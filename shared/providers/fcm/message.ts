import { type PushContent, pushNotification } from "../../domain/push-content";

/** The `message` of FCM HTTP v1's messages:send for one registration token, from Relay's push content. */
export function fcmMessage(token: string, content: PushContent): Record<string, unknown> {
  const { title, body, image, url, data } = pushNotification(content);
  const message: Record<string, unknown> = { token };
  if (title || body || image) message.notification = { ...(title && { title }), ...(body && { body }), ...(image && { image }) };
  // The app reads the deep link from the data, where every platform's handler can see it.
  const withLink = url ? { ...data, url: data?.url ?? url } : data;
  if (withLink) message.data = withLink;
  const ttl = content.ttlSeconds === undefined ? undefined : `${content.ttlSeconds}s`;
  const android = {
    ...(ttl && { ttl }),
    ...(content.collapseKey && { collapse_key: content.collapseKey }),
    ...(content.priority && { priority: content.priority === "high" ? "HIGH" : "NORMAL" }),
  };
  if (Object.keys(android).length > 0) message.android = android;
  const apnsHeaders: Record<string, string> = {};
  if (content.priority) apnsHeaders["apns-priority"] = content.priority === "high" ? "10" : "5";
  if (content.collapseKey) apnsHeaders["apns-collapse-id"] = content.collapseKey;
  if (content.ttlSeconds !== undefined) apnsHeaders["apns-expiration"] = String(Math.floor(Date.now() / 1000) + content.ttlSeconds);
  if (Object.keys(apnsHeaders).length > 0) message.apns = { headers: apnsHeaders };
  const webpushHeaders: Record<string, string> = {};
  if (content.ttlSeconds !== undefined) webpushHeaders.TTL = String(content.ttlSeconds);
  if (content.priority) webpushHeaders.Urgency = content.priority;
  if (content.collapseKey) webpushHeaders.Topic = content.collapseKey;
  const link = url?.startsWith("https:") ? url : undefined;
  if (Object.keys(webpushHeaders).length > 0 || link)
    message.webpush = {
      ...(Object.keys(webpushHeaders).length > 0 && { headers: webpushHeaders }),
      ...(link && { fcm_options: { link } }),
    };
  return message;
}
