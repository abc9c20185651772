import assert from "node:assert/strict";
import { soakPlot } from "./soak_plot.ts";

Deno.test("soakPlot: an SVG with a line per series and the outage band", async () => {
  const samples = [0, 10, 20, 30].map((t) => ({
    t_s: t,
    rss_mb: 150 + t,
    heap_mb: 20,
    source_buffer_mb: 1,
    sink_buffer_mb: t === 20 ? 40 : 0,
  }));
  const svg = await soakPlot(samples, 10, 20);
  assert.match(svg, /^<svg/);
  for (const name of ["gateway RSS", "main heap", "sink disk buffer", "source disk buffer"]) {
    assert.ok(svg.includes(name), `legend names ${name}`);
  }
  assert.equal((svg.match(/class="mark-line/g) ?? []).length, 4, "a line per series");
  assert.equal((svg.match(/class="mark-rect/g) ?? []).length, 1, "the outage band");
});
