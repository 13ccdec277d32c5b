/**
 * A uPlot chart of series over time; stacked draws each series on top of the
 * ones before it. Hovering reads out every series' own value at that time,
 * and marks (incidents) are drawn as vertical lines and listed as text.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { stamp, zoneName } from "../format.ts";

export { providerColors } from "../provider-colors.ts";

export interface Series {
  label: string;
  color: string;
  /** null: nothing to show at that time (a rate without requests), drawn as a gap. */
  values: (number | null)[];
}

export interface Mark {
  time: number;
  label: string;
}

/** Stacked charts are bars, one per bucket, each drawn from its bucket's start; others are lines. */
const bars = uPlot.paths.bars!({ size: [0.8, 64], gap: 1, align: 1 });

export function Chart(props: {
  label: string;
  times: number[];
  series: Series[];
  stacked?: boolean;
  format: (v: number) => string;
  marks?: Mark[];
  /** The width of a bucket: the axis runs from the first bucket's start to the last one's end. */
  bucketMs: number;
  /** Daily buckets are UTC days, so their axis and read-out are in UTC; otherwise the browser's zone. */
  timeZone?: "UTC";
}) {
  const box = useRef<HTMLDivElement>(null);
  const [at, setAt] = useState<number | null>(null);
  const marks = props.marks ?? [];
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // stacked: each line is the running sum; drawn topmost first so lower fills cover the upper ones
    const sums: (number | null)[][] = [];
    props.series.forEach((s, i) => sums.push(s.values.map((v, j) => (props.stacked ? (v ?? 0) + (i > 0 ? sums[i - 1]![j] ?? 0 : 0) : v))));
    const order = props.stacked ? [...props.series.keys()].reverse() : [...props.series.keys()];
    const styles = getComputedStyle(el);
    const ink = styles.getPropertyValue("--muted").trim() || "#888";
    const grid = styles.getPropertyValue("--line").trim() || "#ddd";
    const bad = styles.getPropertyValue("--bad").trim() || "#b42318";
    const first = props.times[0] ?? 0;
    const last = (props.times.at(-1) ?? 0) + props.bucketMs;
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const drawMarks = (u: uPlot) => {
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = bad;
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      for (const m of marks) {
        const x = u.valToPos(m.time / 1000, "x", true);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      }
      ctx.restore();
    };
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { points: { show: false } },
        scales: { x: { time: true, range: () => [first / 1000, last / 1000] } },
        ...(props.timeZone ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts * 1000), props.timeZone!) } : {}),
        axes: [axis, { ...axis, size: 80, values: (_u, ticks) => ticks.map((t) => props.format(t)) }],
        hooks: { draw: [drawMarks], setCursor: [(u) => setAt(u.cursor.idx ?? null)] },
        series: [
          {},
          ...order.map((i) => ({
            label: props.series[i]!.label,
            stroke: props.series[i]!.color,
            fill: props.stacked ? props.series[i]!.color : `${props.series[i]!.color}33`,
            width: props.stacked ? 0 : 2,
            paths: props.stacked ? bars : undefined,
            // lines mark each bucket's value, so a lone bucket between gaps still shows
            points: { show: !props.stacked, size: 5 },
          })),
        ],
      },
      [props.times.map((t) => t / 1000), ...order.map((i) => sums[i]!)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(props.series), JSON.stringify(props.times), JSON.stringify(marks), props.stacked, props.bucketMs, props.timeZone]);
  const time = at == null ? undefined : props.times[at];
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={props.label} />
      <figcaption class="legend">
        {props.series.map((s) => (
          <span class="key" data-series={s.label}>
            <i class="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
            {time !== undefined && <strong class="value">{s.values[at!] == null ? "—" : props.format(s.values[at!]!)}</strong>}
          </span>
        ))}
        {time !== undefined && <span class="at muted">{stamp(time, props.timeZone)}</span>}
        {time === undefined && <span class="muted">{props.timeZone ? "UTC days" : `Times in ${zoneName()}`}</span>}
        {marks.length > 0 && (
          <span class="marks" data-marks={marks.length}>
            <i class="swatch incident" aria-hidden="true" />
            {marks.map((m) => `${m.label} at ${stamp(m.time, props.timeZone)}`).join("; ")}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
