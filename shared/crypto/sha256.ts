import { bytesToHex } from "../encoding/bytes";
/** Hex SHA-256 of a string: API keys are stored as this, request bodies compared by it. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return bytesToHex(digest);
}
