import { z } from "zod";

/** Config fields several providers share, so their limits stay one decision. */
export const secretField = z.string().min(1).max(500);
export const baseUrlField = z.url({ protocol: /^https?$/ }).max(500);
export const emailFromField = z.string().min(3).max(320);

export const BASE_URL_HINT = "Only to point the adapter at another server, e.g. a test double.";
