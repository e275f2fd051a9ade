import type { MediaRow } from "../db/schema";

/** Where the tenant reads an attachment: an authenticated API route, never the provider's or a public URL. */
export const mediaPath = (id: string) => `/v1/media/${id}`;

/** An attachment as a message view lists it (SPEC §10). */
export function attachmentView(row: MediaRow) {
  return {
    id: row.id,
    contentType: row.contentType,
    name: row.name,
    size: row.size,
    status: row.status,
    lastError: row.lastError,
    url: mediaPath(row.id),
  };
}
export type AttachmentView = ReturnType<typeof attachmentView>;
