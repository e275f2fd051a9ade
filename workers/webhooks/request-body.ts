/**
 * The body exactly as sent, decoded as UTF-8: signatures cover these bytes. (Read as bytes, not
 * with `text()`, which workerd warns about for a form-encoded body.)
 */
export async function rawBody(request: { arrayBuffer(): Promise<ArrayBuffer> }): Promise<string> {
  return new TextDecoder().decode(await request.arrayBuffer());
}
