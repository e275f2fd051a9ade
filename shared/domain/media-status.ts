/** An attachment waits to be fetched from the provider, is in the MEDIA bucket, or could not be fetched (the reason is kept). */
export const MEDIA_STATUSES = ["pending", "stored", "failed"] as const;
export type MediaStatus = (typeof MEDIA_STATUSES)[number];
