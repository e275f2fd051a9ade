import { createDecipheriv, createECDH, createHmac } from "node:crypto";

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();
const info = (label: string) => Buffer.from(`Content-Encoding: ${label}\0`, "latin1");

/**
 * RFC 8291 from the user agent's side, written with node:crypto apart from the adapter's
 * library: the aes128gcm header (salt, record size, the sender's key), then one record.
 */
export function decryptWebPush(body: Buffer, ua: { privateKey: Buffer; publicKey: Buffer; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const keyIdLength = body[20];
  const senderPublic = body.subarray(21, 21 + keyIdLength);
  const record = body.subarray(21 + keyIdLength);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(ua.privateKey);
  const shared = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0", "latin1"), ua.publicKey, senderPublic, Buffer.from([1])]);
  const ikm = hmac(hmac(ua.auth, shared), keyInfo).subarray(0, 32);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.concat([info("aes128gcm"), Buffer.from([1])])).subarray(0, 16);
  const nonce = hmac(prk, Buffer.concat([info("nonce"), Buffer.from([1])])).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("the last record does not end with the 0x02 delimiter");
  return padded.subarray(0, end);
}
