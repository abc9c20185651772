// The soak's series drawn to SVG with Vega-Lite: memory and buffers over time, the outage shaded.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** The sampled series of a soak (see soak.ts); only the fields drawn here. */
export interface PlotSample {
  t_s: number;
  rss_mb: number;
  heap_mb: number;
  source_buffer_mb: number;
  sink_buffer_mb: number;
}

const SERIES: [keyof PlotSample, string][] = [
  ["rss_mb", "gateway RSS"],
  ["heap_mb", "main heap"],
  ["sink_buffer_mb", "sink disk buffer"],
  ["source_buffer_mb", "source disk buffer"],
];

/** An SVG of the samples in MB over minutes, the outage from cutS to healS shaded. */
export async function soakPlot(
  samples: PlotSample[],
  cutS: number,
  healS: number,
): Promise<string> {
  const values = samples.flatMap((s) =>
    SERIES.map(([key, name]) => ({ min: s.t_s / 60, mb: s[key], series: name }))
  );
  const spec: TopLevelSpec = {
    width: 720,
    height: 320,
    layer: [
      {
        data: { values: [{ from: cutS / 60, to: healS / 60 }] },
        mark: { type: "rect", color: "#f2d7d5" },
        encoding: { x: { field: "from", type: "quantitative" }, x2: { field: "to" } },
      },
      {
        data: { values },
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "min", type: "quantitative", title: "minutes (shaded: PostgreSQL away)" },
          y: { field: "mb", type: "quantitative", title: "MB" },
          color: { field: "series", type: "nominal", title: null },
        },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return await view.toSVG();
}
