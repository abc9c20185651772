// Prints samples/s through the channel and through cloned object arrays, as in BENCHMARKS.md.
import { ChannelRig, gatewayPath, type Mode, SAMPLES } from "./channel_rig.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? 3);

async function measure(mode: Mode, batch: number): Promise<number> {
  const rig = new ChannelRig(mode);
  try {
    await rig.run(SAMPLES[batch] / 10, batch); // warm up
    let moved = 0;
    const start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      await rig.run(SAMPLES[batch], batch);
      moved += SAMPLES[batch];
    }
    return moved / ((performance.now() - start) / 1000);
  } finally {
    rig.close();
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  "| batch | channel (columnar, transferred) | postMessage object arrays (cloned) | ratio |",
);
console.log("| ---: | ---: | ---: | ---: |");
for (const batch of [1, 100, 1000]) {
  const ch = await measure("channel", batch);
  const obj = await measure("objects", batch);
  console.log(`| ${batch} | ${fmt(ch)} | ${fmt(obj)} | ${(ch / obj).toFixed(1)}× |`);
}

console.log(
  "\n| batch | device worker → sink worker, as the gateway routes (Fanout → MergedInput) |",
);
console.log("| ---: | ---: |");
for (const batch of [100, 1000]) {
  const rates: number[] = [];
  for (let i = 0; i < 3; i++) rates.push(await gatewayPath(SAMPLES[batch] * 2, batch));
  console.log(
    `| ${batch} | ${fmt(Math.max(...rates))} (best of 3; runs: ${rates.map(fmt).join(", ")}) |`,
  );
}
