import type { HourBucket } from "../../services/overview";

const LEFT = 36;
const SLOT = 30;
const PLOT_HEIGHT = 160;
const TOP = 12;
const BOTTOM = 22;

/** Sent and failed per hour as server-rendered SVG bars, with the numbers as a table beside. */
export function HourlyChart({ hours }: { hours: HourBucket[] }) {
  const max = Math.max(1, ...hours.map((h) => Math.max(h.sent, h.failed)));
  const height = (n: number) => Math.round((n / max) * PLOT_HEIGHT);
  const baseline = TOP + PLOT_HEIGHT;
  const width = LEFT + hours.length * SLOT;
  const totalSent = hours.reduce((sum, h) => sum + h.sent, 0);
  const totalFailed = hours.reduce((sum, h) => sum + h.failed, 0);
  return (
    <figure>
      <svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox={`0 0 ${width} ${baseline + BOTTOM}`} width={width}>
        <title id="chart-title">Sent and failed messages per hour, last 24 hours (UTC)</title>
        <desc id="chart-desc">{`${totalSent} sent and ${totalFailed} failed in the last 24 hours; the busiest hour had ${max}.`}</desc>
        <line class="axis" x1={LEFT} y1={baseline} x2={width} y2={baseline} />
        <text x={LEFT - 6} y={TOP + 4} text-anchor="end">
          {max}
        </text>
        <text x={LEFT - 6} y={baseline} text-anchor="end">
          0
        </text>
        {hours.map((h, i) => {
          const x = LEFT + i * SLOT;
          const label = `${h.hour.slice(11, 13)}:00`;
          return (
            <g>
              <rect class="bar-sent" x={x + 4} y={baseline - height(h.sent)} width={10} height={height(h.sent)}>
                <title>{`${label} UTC: ${h.sent} sent`}</title>
              </rect>
              <rect class="bar-failed" x={x + 15} y={baseline - height(h.failed)} width={10} height={height(h.failed)}>
                <title>{`${label} UTC: ${h.failed} failed`}</title>
              </rect>
              {i % 3 === 0 ? (
                <text x={x + 15} y={baseline + 15} text-anchor="middle">
                  {label}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
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
