import { InvalidInputError } from "../http/errors";

/** A callback's JSON body; anything else is the sender's error (400). */
export function parseJsonBody(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidInputError("The body is not valid JSON");
  }
}
