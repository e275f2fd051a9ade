import type { CallbackRoute, CallbackUrl } from "./provider";

/** Relay's message id as an adapter puts it on a callback URL; anything else there is not taken as one. */
const MESSAGE_ID = /^msg_[A-Za-z0-9]{1,64}$/;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Callback URLs shaped `/webhooks/<segment>/<providerId>[/<suffix>][?messageId=msg_…]`, where
 * `endpoints` names each endpoint's suffix ("" for the bare URL). A trailing slash or any other
 * suffix is not a callback URL.
 */
export function callbackUrlAt(segment: string, endpoints: Record<string, string>): CallbackUrl {
  return {
    build(base, route) {
      const suffix = endpoints[route.endpoint];
      if (suffix === undefined) throw new Error(`The ${segment} callbacks have no '${route.endpoint}' endpoint`);
      const path = `${base.replace(/\/+$/, "")}/webhooks/${segment}/${encodeURIComponent(route.providerId)}${suffix ? `/${suffix}` : ""}`;
      return route.messageId === undefined ? path : `${path}?messageId=${encodeURIComponent(route.messageId)}`;
    },
    parse(url): CallbackRoute | null {
      const { pathname, searchParams } = new URL(url);
      const [root, webhooks, named, providerId, ...rest] = pathname.split("/");
      if (root !== "" || webhooks !== "webhooks" || named !== segment || !providerId || rest.length > 1) return null;
      const suffix = rest[0];
      if (suffix === "") return null;
      const endpoint = Object.keys(endpoints).find((name) => endpoints[name] === (suffix ?? ""));
      if (endpoint === undefined) return null;
      const messageId = searchParams.get("messageId");
      const route = { providerId: decoded(providerId), endpoint };
      return messageId !== null && MESSAGE_ID.test(messageId) ? { ...route, messageId } : route;
    },
  };
}
