/** The dashboard's one stylesheet, served by the worker itself at /dashboard/style.css. */
export const STYLESHEET = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #59636e; --line: #d0d7de; --soft: #f6f8fa; --accent: #0b5cad;
  --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header nav ul { display: flex; flex-wrap: wrap; gap: 1.2rem; list-style: none; margin: 0; padding: 0; }
header nav a { text-decoration: none; font-weight: 600; }
header nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: .35em; }
.brand { font-weight: 700; margin-right: .5rem; }
.who { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; color: var(--muted); min-width: 0; }
.who span { overflow-wrap: anywhere; }
.who form { margin: 0; }
main { max-width: 78rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .93rem; }
th, td { text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .88rem; }
textarea { width: 100%; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: .88rem; }
pre.diff ins { text-decoration: none; background: #e6ffec; }
pre.diff del { text-decoration: none; background: #ffebe9; }
pre { background: var(--soft); border: 1px solid var(--line); padding: .7rem; overflow: auto; max-height: 28rem; white-space: pre-wrap; word-break: break-word; }
form.filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: flex-end; padding: .8rem; background: var(--soft); border: 1px solid var(--line); }
form.filters p { margin: 0; }
label { display: block; font-weight: 600; font-size: .9rem; margin-bottom: .2rem; }
label.inline { display: inline; font-weight: 400; }
input, select { font: inherit; padding: .35rem .45rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; }
input[type="checkbox"] { width: 1.1rem; height: 1.1rem; vertical-align: middle; }
button { font: inherit; font-weight: 600; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
.stack > * + * { margin-top: .8rem; }
.actions { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.actions form { border: 1px solid var(--line); padding: .8rem; min-width: 16rem; }
.actions h2 { margin-top: 0; }
.notice { padding: .6rem .9rem; border-left: 4px solid var(--accent); background: #eef5fc; }
.notice.ok { border-color: var(--ok); background: #edf7ef; }
.notice.error { border-color: var(--bad); background: #fdf0ef; }
.field-error { color: var(--bad); font-size: .88rem; margin: .2rem 0 0; }
.hint { color: var(--muted); font-size: .85rem; margin: .2rem 0 0; }
.status { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .85rem; border: 1px solid var(--line); }
.status-sent, .status-delivered, .state-closed { color: var(--ok); border-color: var(--ok); }
.status-failed, .state-open { color: var(--bad); border-color: var(--bad); }
.status-queued, .status-sending, .state-half-open { color: var(--warn); border-color: var(--warn); }
.status-canceled, .state-unknown { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .3rem 1.2rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 1rem; }
.card { border: 1px solid var(--line); padding: .7rem 1rem; min-width: 10rem; }
.card strong { display: block; font-size: 1.6rem; }
.chart { max-width: 100%; height: auto; }
.chart .bar-sent { fill: var(--ok); }
.chart .bar-failed { fill: var(--bad); }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .axis { stroke: var(--line); }
.chart .bar-rejected { fill: var(--warn); }
.chart .bar-unavailable { fill: var(--bad); }
.chart .bar-timeouts { fill: #6e2b8f; }
.legend span { margin-right: 1rem; }
.legend span::before { content: ""; display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; }
.legend .sent::before { background: var(--ok); }
.legend .failed::before, .legend .unavailable::before { background: var(--bad); }
.legend .rejected::before { background: var(--warn); }
.legend .timeouts::before { background: #6e2b8f; }
.breaker-opened { color: var(--bad); border-color: var(--bad); }
.breaker-closed { color: var(--ok); border-color: var(--ok); }
.breaker-probe { color: var(--warn); border-color: var(--warn); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.secret { font-size: 1.1rem; padding: .5rem; background: #fff8c5; border: 1px solid var(--warn); word-break: break-all; }
.pager { display: flex; gap: 1.5rem; }
tr.unread td { font-weight: 600; }
.thread { list-style: none; padding: 0; max-width: 48rem; }
.thread li { margin: .5rem 0; padding: .5rem .75rem; border-radius: .5rem; border: 1px solid #ddd; }
.thread li.inbound { margin-right: 6rem; background: #f6f8fa; }
.thread li.outbound { margin-left: 6rem; background: #eef6ff; }
.thread .body { white-space: pre-wrap; }
.actions-row { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: center; }
.bulk-actions { margin: .8rem 0; }
progress { width: 100%; height: 1.2rem; }
input, select, textarea { max-width: 100%; }
select { text-overflow: ellipsis; }
/* A cell of long machine text (JSON, ids) may break anywhere rather than widen its table. */
.wrap { overflow-wrap: anywhere; min-width: 10rem; }
main { overflow-wrap: break-word; }
/* Narrow screens: the page never scrolls sideways; a wide table scrolls inside itself. */
@media (max-width: 40rem) {
  header { padding: .5rem .8rem; }
  main { padding: .8rem .8rem 2rem; }
  table { display: block; overflow-x: auto; }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: .4rem; }
  .actions form { min-width: 0; width: 100%; }
  form.filters > * { flex: 1 1 100%; min-width: 0; }
  form.filters select, form.filters input { width: 100%; }
  p, form { min-width: 0; }
}
`;
