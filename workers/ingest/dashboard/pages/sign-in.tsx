import { CsrfField, Notice, TextField } from "../components";
import { BASE } from "../context";
import { Layout } from "../layout";

export function SignInPage(props: { csrf: string; error?: string; info?: string }) {
  return (
    <Layout title="Sign in to Relay">
      {props.info ? <Notice kind="info">{props.info}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <form method="post" action={`${BASE}/sign-in`} class="stack">
        <CsrfField token={props.csrf} />
        <TextField
          id="api-key"
          name="apiKey"
          label="API key"
          type="password"
          required
          autocomplete="off"
          hint="An ops admin key, or a tenant's key with the admin scope."
        />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
