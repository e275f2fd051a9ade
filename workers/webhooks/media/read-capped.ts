export type CappedRead = { kind: "read"; bytes: Uint8Array } | { kind: "too-large" };

/** The whole body, unless it is (or says it is) larger than `maxBytes`: then reading stops there. */
export async function readCapped(response: Response, maxBytes: number): Promise<CappedRead> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return { kind: "too-large" };
  }
  if (!response.body) return { kind: "read", bytes: new Uint8Array() };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { kind: "too-large" };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: "read", bytes };
}
