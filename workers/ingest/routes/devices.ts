import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { CONTACT_ID, registerDeviceSchema } from "../../../shared/domain/device-request";
import { outboundPolicyFromEnv } from "../../../shared/providers/outbound-policy";
import type { IngestBindings } from "../context";
import { requireScope, sendingTenant, tenantScope } from "../principal";
import { envelope } from "../respond";
import { deviceSchema } from "../schemas/device-views";
import { idParam, pageQuery } from "../schemas/params";
import { bearer, errors, jsonBody, success } from "../schemas/route-parts";
import { deletedSchema, listOf } from "../schemas/views";
import { deleteDevice, getDevice, listDevices, registerDevice } from "../services/devices";

const tags = ["Devices"];
const id = idParam("dev_V1StGXR8Z5jdHi6BmyT12");

const register = createRoute({
  method: "post",
  path: "/v1/devices",
  tags,
  security: bearer,
  summary: "Register a device for push",
  description:
    "An FCM registration token or a Web Push subscription, optionally with the contact it belongs to. The same token again updates the device (201 the first time, 200 after). Needs the `send` scope.",
  request: jsonBody(registerDeviceSchema),
  responses: { 200: success(deviceSchema, "Already registered: updated"), 201: success(deviceSchema, "Registered"), ...errors() },
});

const list = createRoute({
  method: "get",
  path: "/v1/devices",
  tags,
  security: bearer,
  summary: "List devices, newest first",
  request: {
    query: pageQuery.extend({ contactId: z.string().regex(CONTACT_ID).optional().meta({ description: "Only this contact's devices" }) }),
  },
  responses: { 200: success(listOf(deviceSchema), "A page of devices"), ...errors() },
});

const get = createRoute({
  method: "get",
  path: "/v1/devices/{id}",
  tags,
  security: bearer,
  summary: "Get a device",
  request: { params: id },
  responses: { 200: success(deviceSchema, "The device"), ...errors(404) },
});

const remove = createRoute({
  method: "delete",
  path: "/v1/devices/{id}",
  tags,
  security: bearer,
  summary: "Forget a device",
  description: "Its token or subscription is deleted; messages already sent to it keep its id. Needs the `send` scope.",
  request: { params: id },
  responses: { 200: success(deletedSchema, "Deleted"), ...errors(404) },
});

export const deviceRoutes = new OpenAPIHono<IngestBindings>()
  .openapi(register, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const { device, created } = await registerDevice(c.get("db"), tenantId, c.req.valid("json"), outboundPolicyFromEnv(c.env));
    return created ? envelope(c, device, 201) : envelope(c, device, 200);
  })
  .openapi(list, async (c) => {
    requireScope(c.get("principal"), "read");
    const query = c.req.valid("query");
    return envelope(c, await listDevices(c.get("db"), { ...query, tenantId: tenantScope(c.get("principal"), query.tenantId) }));
  })
  .openapi(get, async (c) => {
    requireScope(c.get("principal"), "read");
    return envelope(c, await getDevice(c.get("db"), c.req.valid("param").id, c.get("principal").tenantId));
  })
  .openapi(remove, async (c) => {
    const tenantId = sendingTenant(c.get("principal"));
    const deviceId = c.req.valid("param").id;
    await deleteDevice(c.get("db"), deviceId, tenantId);
    return envelope(c, { id: deviceId, deleted: true as const });
  });
