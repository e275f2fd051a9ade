/** SNS's own endpoints: sns.<region>.amazonaws.com (…amazonaws.com.cn in China), over https on the default port. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

function snsUrl(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const isSns = url.protocol === "https:" && url.port === "" && !url.username && !url.password && SNS_HOST.test(url.hostname);
  return isSns ? url : null;
}

/** A SigningCertURL worth fetching: an SNS endpoint, and a `.pem` file. */
export function isSnsCertificateUrl(text: string): boolean {
  return snsUrl(text)?.pathname.endsWith(".pem") ?? false;
}

/** A SubscribeURL worth calling: an SNS endpoint. */
export function isSnsEndpointUrl(text: string): boolean {
  return snsUrl(text) !== null;
}
