/**
 * Vitest globalSetup (runs in Node) for the webhooks tests: an RSA key and a self-signed X.509
 * certificate made fresh for each run, standing in for the certificate SNS signs with. The tests
 * serve the certificate from an intercepted fetch of an sns.<region>.amazonaws.com URL and sign
 * messages with the key, exactly as SNS does.
 */
import { generate } from "selfsigned";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject): Promise<void> {
  const pems = await generate([{ name: "commonName", value: "sns.amazonaws.com" }], { keySize: 2048, algorithm: "sha256" });
  project.provide("snsSigning", { certificatePem: pems.cert, privateKeyPem: pems.private });
}
