/** A file kept in the MEDIA bucket under `media/<id>`; the object's custom metadata names its tenant. */
export type StoredMedia = { id: string; contentType: string; size: number };

/** The authenticated API route that serves a stored file to its tenant. */
export function mediaUrl(id: string): string {
  return `/v1/media/${id}`;
}

export function mediaObjectKey(id: string): string {
  return `media/${id}`;
}
