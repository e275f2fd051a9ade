/** One stable operationId per operation: the names a generated client's methods take. */
export const OPERATION_IDS: Record<string, string> = {
  "get /health": "getHealth",
  "post /v1/messages": "sendMessage",
  "get /v1/messages": "listMessages",
  "post /v1/messages/batch": "sendMessageBatch",
  "get /v1/messages/{id}": "getMessage",
  "post /v1/messages/{id}/cancel": "cancelMessage",
  "post /v1/providers": "createProvider",
  "get /v1/providers": "listProviders",
  "get /v1/providers/{id}": "getProvider",
  "patch /v1/providers/{id}": "updateProvider",
  "delete /v1/providers/{id}": "deleteProvider",
  "post /v1/providers/{id}/test": "testProvider",
  "post /v1/tenants": "createTenant",
  "get /v1/tenants": "listTenants",
  "get /v1/tenants/{id}": "getTenant",
  "post /v1/tenants/{id}/api-keys": "createApiKey",
  "get /v1/tenants/{id}/api-keys": "listApiKeys",
  "delete /v1/api-keys/{id}": "revokeApiKey",
  "get /v1/dead-letters": "listDeadLetters",
  "post /v1/dead-letters/redrive": "redriveDeadLetters",
  "get /v1/dead-letters/{id}": "getDeadLetter",
  "post /v1/dead-letters/{id}/redrive": "redriveDeadLetter",
  "post /v1/dead-letters/{id}/discard": "discardDeadLetter",
  "post /v1/dead-letter-operations": "startDeadLetterOperation",
  "get /v1/dead-letter-operations/{id}": "getDeadLetterOperation",
  "get /v1/audit-log": "listAuditLog",
};

export const TAGS = [
  { name: "Messages", description: "Send messages (one or a batch), read them with their events, cancel while queued." },
  { name: "Providers", description: "The tenant's delivery providers; credentials are write-only." },
  { name: "Tenants and API keys", description: "Ops keys create tenants and issue or revoke keys." },
  { name: "Dead letters", description: "Messages that exhausted their retries: inspect, redrive, discard." },
  { name: "Audit log", description: "Ops' and tenant admins' actions: who, what, when, from where." },
  { name: "Health", description: "Readiness of the worker's dependencies, without a key." },
];

export const SERVERS = [
  { url: "http://127.0.0.1:8787", description: "npm run dev" },
  {
    url: "https://relay-ingest.{subdomain}.workers.dev",
    description: "Deployed by npm run deploy",
    variables: { subdomain: { default: "your-subdomain", description: "Your account's workers.dev subdomain" } },
  },
];
