/** A uPlot chart of series over time; stacked draws each series on top of the ones before it. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { providerDisplay } from "../../../providers/display.ts";

export interface Series {
  label: string;
  color: string;
  values: number[];
}

/** Stacked charts are bars, one per bucket; others are lines. */
const bars = uPlot.paths.bars!({ size: [0.7, 48], gap: 1 });

export function Chart(props: { label: string; times: number[]; series: Series[]; stacked?: boolean; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // stacked: each line is the running sum; drawn topmost first so lower fills cover the upper ones
    const sums: number[][] = [];
    props.series.forEach((s, i) => sums.push(s.values.map((v, j) => v + (props.stacked && i > 0 ? sums[i - 1]![j]! : 0))));
    const order = props.stacked ? [...props.series.keys()].reverse() : [...props.series.keys()];
    const styles = getComputedStyle(el);
    const ink = styles.getPropertyValue("--muted").trim() || "#888";
    const grid = styles.getPropertyValue("--line").trim() || "#ddd";
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 240,
        legend: { show: false },
        cursor: { points: { show: false } },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, size: 70, values: (_u, ticks) => ticks.map((t) => props.format(t)) }],
        series: [
          {},
          ...order.map((i) => ({
            label: props.series[i]!.label,
            stroke: props.series[i]!.color,
            fill: props.stacked ? props.series[i]!.color : `${props.series[i]!.color}33`,
            width: props.stacked ? 0 : 2,
            paths: props.stacked ? bars : undefined,
            points: { show: false },
          })),
        ],
      },
      [props.times.map((t) => t / 1000), ...order.map((i) => sums[i]!)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [JSON.stringify(props.series), JSON.stringify(props.times), props.stacked]);
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={props.label} />
      <figcaption class="legend">
        {props.series.map((s) => (
          <span class="key">
            <i class="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

/** Chart colours per provider, from each provider's file. */
export const providerColors: Record<string, string> = Object.fromEntries(providerDisplay.map((p) => [p.value, p.colour]));
