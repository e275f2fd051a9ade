import type { Child } from "hono/jsx";
import { isOps } from "../principal";
import { CsrfField } from "./components";
import { BASE, type Viewer } from "./context";

export type Section =
  | "overview"
  | "messages"
  | "inbox"
  | "analysis"
  | "dead-letters"
  | "providers"
  | "templates"
  | "webhooks"
  | "tenants"
  | "usage"
  | "alerts"
  | "audit-log";

function navigation(viewer: Viewer): { section: Section; href: string; label: string }[] {
  const ops = isOps(viewer.principal);
  return [
    { section: "overview", href: BASE, label: "Overview" },
    { section: "messages", href: `${BASE}/messages`, label: "Messages" },
    { section: "inbox", href: `${BASE}/inbox`, label: "Inbox" },
    ...(ops ? [] : [{ section: "analysis" as const, href: `${BASE}/analysis`, label: "Analysis" }]),
    { section: "dead-letters", href: `${BASE}/dead-letters`, label: "Dead letters" },
    { section: "providers", href: `${BASE}/providers`, label: "Providers" },
    { section: "templates", href: `${BASE}/templates`, label: "Templates" },
    { section: "webhooks", href: `${BASE}/webhooks`, label: "Webhooks" },
    { section: "usage", href: `${BASE}/usage`, label: "Usage" },
    ops
      ? { section: "tenants", href: `${BASE}/tenants`, label: "Tenants and keys" }
      : { section: "tenants", href: `${BASE}/tenants/${viewer.principal.tenantId}`, label: "API keys" },
    { section: "alerts", href: `${BASE}/alerts`, label: "Alerts" },
    { section: "audit-log", href: `${BASE}/audit-log`, label: "Audit log" },
  ];
}

function Header({ viewer, section }: { viewer: Viewer; section?: Section }) {
  const who = isOps(viewer.principal) ? "ops (every tenant)" : `tenant ${viewer.principal.tenantId}`;
  return (
    <header>
      <nav aria-label="Dashboard">
        <ul>
          <li class="brand">Relay</li>
          {navigation(viewer).map((item) => (
            <li>
              <a href={item.href} aria-current={item.section === section ? "page" : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        <span>Signed in as {who}</span>
        <form method="post" action={`${BASE}/sign-out`}>
          <CsrfField token={viewer.csrf} />
          <button type="submit" class="secondary">
            Sign out
          </button>
        </form>
        <form method="post" action={`${BASE}/sign-out-everywhere`}>
          <CsrfField token={viewer.csrf} />
          <button type="submit" class="secondary" title="End every dashboard session of this API key, in every browser">
            Sign out everywhere
          </button>
        </form>
      </div>
    </header>
  );
}

export function Layout(props: { title: string; viewer?: Viewer; section?: Section; refreshSeconds?: number; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{props.title} · Relay</title>
        <link rel="stylesheet" href={`${BASE}/style.css`} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {props.viewer ? <Header viewer={props.viewer} section={props.section} /> : null}
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
