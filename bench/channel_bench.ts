// Samples/s across a worker boundary: the credit channel with columnar batches (transferred)
// next to plain postMessage of object arrays (cloned), at batch sizes 1, 100 and 1000.
// `deno bench --allow-all bench/channel_bench.ts`; each iteration moves SAMPLES[batch] samples,
// so samples/s = SAMPLES / (time per iteration). `deno run -A bench/channel_table.ts` prints it.
import { ChannelRig, type Mode, SAMPLES } from "./channel_rig.ts";

const rigs: ChannelRig[] = [];
addEventListener("unload", () => rigs.forEach((r) => r.close()));

for (const batch of [1, 100, 1000]) {
  for (const mode of ["channel", "objects"] as Mode[]) {
    const rig = new ChannelRig(mode);
    rigs.push(rig);
    Deno.bench({
      name: `${mode} batch=${batch} (${SAMPLES[batch]} samples/iter)`,
      group: `batch ${batch}`,
      baseline: mode === "objects",
      async fn() {
        await rig.run(SAMPLES[batch], batch);
      },
    });
  }
}
