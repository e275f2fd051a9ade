import type { HourBucket } from "../../services/overview";
import { BASELINE, barHeight, HourChartFrame } from "./hour-chart-frame";

/** Sent and failed per hour as server-rendered SVG bars, with the numbers as a table beside. */
export function HourlyChart({ hours }: { hours: HourBucket[] }) {
  const max = Math.max(1, ...hours.map((h) => Math.max(h.sent, h.failed)));
  const height = (n: number) => barHeight(n, max);
  const totalSent = hours.reduce((sum, h) => sum + h.sent, 0);
  const totalFailed = hours.reduce((sum, h) => sum + h.failed, 0);
  return (
    <figure>
      <HourChartFrame
        id="chart"
        title="Sent and failed messages per hour, last 24 hours (UTC)"
        desc={`${totalSent} sent and ${totalFailed} failed in the last 24 hours; the busiest hour had ${max}.`}
        max={max}
        hourLabels={hours.map((h) => `${h.hour.slice(11, 13)}:00`)}
        bars={(x, i, label) => (
          <>
            <rect class="bar-sent" x={x + 4} y={BASELINE - height(hours[i].sent)} width={10} height={height(hours[i].sent)}>
              <title>{`${label} UTC: ${hours[i].sent} sent`}</title>
            </rect>
            <rect class="bar-failed" x={x + 15} y={BASELINE - height(hours[i].failed)} width={10} height={height(hours[i].failed)}>
              <title>{`${label} UTC: ${hours[i].failed} failed`}</title>
            </rect>
          </>
        )}
      />
      <figcaption class="legend">
        <span class="sent">sent</span>
        <span class="failed">failed</span>
      </figcaption>
      <details>
        <summary>The numbers per hour</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour (UTC)</th>
              <th scope="col" class="num">
                Sent
              </th>
              <th scope="col" class="num">
                Failed
              </th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr>
                <th scope="row">{`${h.hour.replace("T", " ")}:00`}</th>
                <td class="num">{h.sent}</td>
                <td class="num">{h.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
