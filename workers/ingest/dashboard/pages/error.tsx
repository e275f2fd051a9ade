import type { RelayError } from "../../../../shared/http/errors";
import { Notice } from "../components";
import type { Viewer } from "../context";
import { Layout } from "../layout";

const TITLES: Record<string, string> = {
  NOT_FOUND: "Not found",
  FORBIDDEN: "Not allowed",
  CONFLICT: "Not possible now",
  INVALID_INPUT: "Check the form",
  PAYLOAD_TOO_LARGE: "Too much data",
  SERVICE_UNAVAILABLE: "Try again",
  PROVIDER_ERROR: "The provider failed",
};

export function ErrorPage(props: { viewer?: Viewer; error: RelayError; back: string; requestId: string }) {
  const { error } = props;
  return (
    <Layout title={TITLES[error.code] ?? "Something went wrong"} viewer={props.viewer}>
      <Notice kind="error">{error.message}</Notice>
      {error.details?.length ? (
        <ul>
          {error.details.map((d) => (
            <li>
              {d.path}: {d.message}
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href={props.back}>Go back</a>
      </p>
      <p class="hint">
        Request id <code>{props.requestId}</code>
      </p>
    </Layout>
  );
}
