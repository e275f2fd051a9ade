import type { Child } from "hono/jsx";

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

export function Notice({ kind, children }: { kind: "ok" | "error" | "info"; children?: Child }) {
  return (
    <p class={`notice ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}

/** The confirmation step of a destructive form: the browser and the server both require it. */
export function ConfirmBox({ id, children }: { id: string; children?: Child }) {
  return (
    <p>
      <input type="checkbox" id={id} name="confirm" value="yes" required />{" "}
      <label class="inline" for={id}>
        {children}
      </label>
    </p>
  );
}

export function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span>—</span>;
  return <time datetime={iso}>{`${iso.slice(0, 19).replace("T", " ")} UTC`}</time>;
}

export function ageOf(iso: string, now = Date.now()): string {
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} days`;
}

export function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status}</span>;
}

export type Option = { value: string; label: string };

export function SelectField(props: { id: string; name: string; label: string; options: Option[]; value?: string; error?: string }) {
  return (
    <p>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name} aria-invalid={props.error ? "true" : undefined}>
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === (props.value ?? "")}>
            {option.label}
          </option>
        ))}
      </select>
      {props.error ? <FieldError message={props.error} /> : null}
    </p>
  );
}

export function TextField(props: {
  id: string;
  name: string;
  label: string;
  type?: "text" | "password" | "number" | "url" | "date" | "search" | "email";
  value?: string;
  required?: boolean;
  hint?: string;
  error?: string;
  autocomplete?: string;
}) {
  return (
    <p>
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        aria-invalid={props.error ? "true" : undefined}
      />
      {props.hint ? <span class="hint"> {props.hint}</span> : null}
      {props.error ? <FieldError message={props.error} /> : null}
    </p>
  );
}

function FieldError({ message }: { message: string }) {
  return <span class="field-error"> {message}</span>;
}

export function Pretty({ value }: { value: unknown }) {
  return <pre>{JSON.stringify(value, null, 2)}</pre>;
}

/** "Next page" keeps the filters and adds the cursor; "First page" drops the cursor. */
export function Pager({ path, query, nextCursor }: { path: string; query: Record<string, string>; nextCursor: string | null }) {
  const { cursor, ...filters } = query;
  const href = (extra: Record<string, string>) => {
    const search = new URLSearchParams({ ...filters, ...extra }).toString();
    return search ? `${path}?${search}` : path;
  };
  return (
    <nav class="pager" aria-label="Pages">
      {cursor ? <a href={href({})}>First page</a> : null}
      {nextCursor ? <a href={href({ cursor: nextCursor })}>Next page</a> : null}
    </nav>
  );
}

export type TenantChoice = { id: string; name: string };

/** Ops pick a tenant (or all of them); a tenant's admin has nothing to pick. */
export function tenantOptions(tenants: TenantChoice[], all = "All tenants"): Option[] {
  return [{ value: "", label: all }, ...tenants.map((t) => ({ value: t.id, label: `${t.name} (${t.id})` }))];
}
