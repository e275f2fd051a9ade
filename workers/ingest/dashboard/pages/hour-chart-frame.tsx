import type { Child } from "hono/jsx";

const LEFT = 36;
const SLOT = 30;
const PLOT_HEIGHT = 160;
const TOP = 12;
const BOTTOM = 22;
/** Where bars stand: the y of the axis. */
export const BASELINE = TOP + PLOT_HEIGHT;

/** A bar's height for `n` on a scale whose top is `max`. */
export function barHeight(n: number, max: number): number {
  return Math.round((n / max) * PLOT_HEIGHT);
}

type Props = {
  /** Prefix of the title and description ids the SVG is labelled by. */
  id: string;
  title: string;
  desc: string;
  max: number;
  /** One `HH:00` label per hour slot, oldest first. */
  hourLabels: string[];
  /** The bars of one slot, its left edge at `x`. */
  bars: (x: number, index: number, label: string) => Child;
};

/** What both 24-hour charts share: the axis, the scale, and an hour label every third slot; the bars are the caller's. */
export function HourChartFrame(props: Props) {
  const width = LEFT + props.hourLabels.length * SLOT;
  return (
    <svg
      class="chart"
      role="img"
      aria-labelledby={`${props.id}-title ${props.id}-desc`}
      viewBox={`0 0 ${width} ${BASELINE + BOTTOM}`}
      width={width}
    >
      <title id={`${props.id}-title`}>{props.title}</title>
      <desc id={`${props.id}-desc`}>{props.desc}</desc>
      <line class="axis" x1={LEFT} y1={BASELINE} x2={width} y2={BASELINE} />
      <text x={LEFT - 6} y={TOP + 4} text-anchor="end">
        {props.max}
      </text>
      <text x={LEFT - 6} y={BASELINE} text-anchor="end">
        0
      </text>
      {props.hourLabels.map((label, i) => {
        const x = LEFT + i * SLOT;
        return (
          <g>
            {props.bars(x, i, label)}
            {i % 3 === 0 ? (
              <text x={x + 15} y={BASELINE + 15} text-anchor="middle">
                {label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
