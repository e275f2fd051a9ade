import type { z } from "zod";
import { ERROR_CODES } from "../../../shared/http/error-codes";
import { envelopeOf, errorBodySchema } from "./views";

export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { body: { required: true, description, content: { "application/json": { schema } } } };
}

export function success<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema: envelopeOf(schema) } } };
}

const errorResponse = (codes: string) => ({
  description: codes,
  content: { "application/json": { schema: errorBodySchema } },
});

const codesFor = (status: number) =>
  Object.entries(ERROR_CODES)
    .filter(([, spec]) => spec.status === status)
    .map(([code, spec]) => `${code}: ${spec.description}`)
    .join(" ");

/** The error statuses an authenticated route can answer with, each described by its documented codes. */
export function errors(...statuses: number[]) {
  return errorResponses(400, 401, 403, 500, ...statuses);
}

/** Exactly these error statuses: for a route that takes no key and no input, such as /health. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries([...new Set(statuses)].sort().map((status) => [status, errorResponse(codesFor(status))]));
}

/** The same error response as a plain object, for the finished document (workers/ingest/openapi.ts). */
export function errorResponseObject(status: number) {
  return { description: codesFor(status), content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

export const bearer = [{ bearerAuth: [] }];
