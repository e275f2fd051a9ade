import type { MessageEventRow, MessageRow } from "../db/schema";

/** One line of an archive object: a message exactly as D1 held it, with its events. */
export type ArchivedMessage = { message: MessageRow; events: MessageEventRow[] };

export const ARCHIVE_CONTENT_TYPE = "application/x-ndjson";

export function archiveKey(tenantId: string, day: string, chunkId: string): string {
  return `archive/${tenantId}/${day}/${chunkId}.ndjson.gz`;
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Gzipped NDJSON, one message per line. */
export async function encodeArchive(lines: ArchivedMessage[]): Promise<Uint8Array> {
  const text = lines.map((line) => JSON.stringify(line)).join("\n");
  return collect(new Blob([`${text}\n`]).stream().pipeThrough(new CompressionStream("gzip")));
}

export async function decodeArchive(body: ReadableStream<Uint8Array>): Promise<ArchivedMessage[]> {
  const text = await new Response(body.pipeThrough(new DecompressionStream("gzip"))).text();
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ArchivedMessage);
}
