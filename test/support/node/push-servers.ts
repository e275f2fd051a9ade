/**
 * Vitest globalSetup (Node) for the push tests in the Workers runtime: a fake FCM with its token
 * endpoint and a fake Web Push service, on 127.0.0.1. Workers-side tests drive them through
 * their `/__…` control routes.
 */
import type { TestProject } from "vitest/node";
import { startFakeFcm } from "./fakes/fake-fcm";
import { startFakeWebPush } from "./fakes/fake-web-push";

export default async function setup(project: TestProject) {
  const fcm = await startFakeFcm();
  const webPush = await startFakeWebPush();
  project.provide("pushServers", { fcm: fcm.baseUrl, webPush: webPush.baseUrl });
  return async () => {
    await fcm.close();
    await webPush.close();
  };
}
