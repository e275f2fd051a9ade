import type { BreakerEvent } from "../../../../shared/providers/guard-contract";
import { Time } from "../components";
import { averageLatencyMs, type HealthTotals } from "../provider-health";
import { BASELINE, barHeight, HourChartFrame } from "./hour-chart-frame";

const SERIES = [
  { key: "sent", label: "sent" },
  { key: "rejected", label: "rejected" },
  { key: "unavailable", label: "unavailable" },
  { key: "timeouts", label: "timed out" },
] as const;

/** One provider's attempts per hour (24 h, UTC), stacked by outcome, with the numbers as a table. */
export function ProviderHealthChart({ hours }: { hours: HealthTotals[] }) {
  const max = Math.max(1, ...hours.map((h) => h.attempts));
  const total = (key: (typeof SERIES)[number]["key"]) => hours.reduce((n, h) => n + h[key], 0);
  const summary = SERIES.map((s) => `${total(s.key)} ${s.label}`).join(", ");
  return (
    <figure>
      <HourChartFrame
        id="health"
        title="Attempts per hour by outcome, last 24 hours (UTC)"
        desc={`In the last 24 hours: ${summary}.`}
        max={max}
        hourLabels={hours.map((h) => `${h.start.slice(11, 13)}:00`)}
        bars={(x, i, label) => {
          let top = BASELINE;
          return SERIES.map((s) => {
            const height = barHeight(hours[i][s.key], max);
            top -= height;
            return height > 0 ? (
              <rect class={`bar-${s.key}`} x={x + 5} y={top} width={20} height={height}>
                <title>{`${label} UTC: ${hours[i][s.key]} ${s.label}`}</title>
              </rect>
            ) : null;
          });
        }}
      />
      <figcaption class="legend">
        {SERIES.map((s) => (
          <span class={s.key}>{s.label}</span>
        ))}
      </figcaption>
      <details>
        <summary>The numbers per hour</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour (UTC)</th>
              {SERIES.map((s) => (
                <th scope="col" class="num">
                  {s.label}
                </th>
              ))}
              <th scope="col" class="num">
                Latency avg / max (ms)
              </th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr>
                <th scope="row">{`${h.start.slice(0, 13).replace("T", " ")}:00`}</th>
                {SERIES.map((s) => (
                  <td class="num">{h[s.key]}</td>
                ))}
                <td class="num">{h.attempts > 0 ? `${averageLatencyMs(h)} / ${h.latencyMsMax}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** The breaker's changes, newest first. */
export function BreakerHistory({ history }: { history: BreakerEvent[] }) {
  if (history.length === 0) return <p>The circuit has not opened.</p>;
  return (
    <table class="breaker-history">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event</th>
          <th scope="col">Why</th>
        </tr>
      </thead>
      <tbody>
        {history.map((entry) => (
          <tr>
            <td>
              <Time iso={entry.at} />
            </td>
            <td>
              <span class={`status breaker-${entry.event}`}>{entry.event}</span>
            </td>
            <td>{entry.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
