import type { ApiKeyRow, TenantRow } from "../../../../shared/db/schema";
import { API_KEY_SCOPES } from "../../../../shared/domain/scopes";
import type { ErrorDetail } from "../../../../shared/http/errors";
import { isOps } from "../../principal";
import { ConfirmBox, CsrfField, Notice, TextField, Time } from "../components";
import { BASE, type Viewer } from "../context";
import { Layout } from "../layout";

type KeyView = Omit<ApiKeyRow, "keyHash">;

export function TenantsPage({
  viewer,
  tenants,
  done,
  details,
}: {
  viewer: Viewer;
  tenants: TenantRow[];
  done?: string;
  details?: ErrorDetail[];
}) {
  return (
    <Layout title="Tenants and keys" viewer={viewer} section="tenants">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Id</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((t) => (
            <tr>
              <td>
                <a href={`${BASE}/tenants/${t.id}`}>{t.name}</a>
              </td>
              <td>
                <code>{t.id}</code>
              </td>
              <td>
                <Time iso={t.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={`${BASE}/tenants`} class="stack">
        <h2>Create a tenant</h2>
        <CsrfField token={viewer.csrf} />
        <TextField id="tenant-name" name="name" label="Name" required error={details?.find((d) => d.path === "name")?.message} />
        <button type="submit">Create tenant</button>
      </form>
    </Layout>
  );
}

type TenantProps = { viewer: Viewer; tenant: TenantRow; keys: KeyView[]; issued?: { name: string; key: string }; done?: string };

function IssuedKey({ issued }: { issued: { name: string; key: string } }) {
  return (
    <section aria-labelledby="issued" class="notice ok">
      <h2 id="issued">New key "{issued.name}"</h2>
      <p>Copy it now: it is shown this once, and only its hash is kept.</p>
      <p>
        <output class="secret" aria-label="The new API key">
          {issued.key}
        </output>
      </p>
    </section>
  );
}

function KeysTable({ viewer, keys }: { viewer: Viewer; keys: KeyView[] }) {
  if (keys.length === 0) return <p>No keys yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Prefix</th>
          <th scope="col">Scopes</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}…</code>
            </td>
            <td>{k.scopes.join(", ")}</td>
            <td>
              <Time iso={k.createdAt} />
            </td>
            <td>{k.lastUsedAt ? <Time iso={k.lastUsedAt} /> : "never"}</td>
            <td>
              {k.revokedAt ? (
                <>
                  revoked <Time iso={k.revokedAt} />
                </>
              ) : k.id === viewer.principal.keyId ? (
                "active (this session's key)"
              ) : (
                <form method="post" action={`${BASE}/api-keys/${k.id}/revoke`}>
                  <CsrfField token={viewer.csrf} />
                  <ConfirmBox id={`confirm-revoke-${k.id}`}>I understand: "{k.name}" stops working at once.</ConfirmBox>
                  <button type="submit" class="danger">
                    Revoke
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TenantPage({ viewer, tenant, keys, issued, done }: TenantProps) {
  return (
    <Layout title={isOps(viewer.principal) ? `Tenant ${tenant.name}` : `API keys of ${tenant.name}`} viewer={viewer} section="tenants">
      {done ? <Notice kind="ok">{done}</Notice> : null}
      {issued ? <IssuedKey issued={issued} /> : null}
      <p>
        Tenant id <code>{tenant.id}</code>, created <Time iso={tenant.createdAt} />.
      </p>
      <h2>API keys</h2>
      <KeysTable viewer={viewer} keys={keys} />
      <form method="post" action={`${BASE}/tenants/${tenant.id}/keys`} class="stack">
        <h2>Issue a key</h2>
        <CsrfField token={viewer.csrf} />
        <TextField id="key-name" name="name" label="Key name" required />
        <fieldset>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((scope) => (
            <p>
              <input type="checkbox" id={`scope-${scope}`} name="scopes" value={scope} checked={scope !== "admin"} />{" "}
              <label class="inline" for={`scope-${scope}`}>
                {scope}
              </label>
            </p>
          ))}
        </fieldset>
        <button type="submit">Issue key</button>
      </form>
    </Layout>
  );
}
