// CPU profiles of a bench's gateway: every thread profiled over the measured window (the gateway
// writes one .cpuprofile per thread, see src/runtime/cpu_profile.ts), and a summary of where the
// time went. Open a .cpuprofile in Chrome DevTools (Performance) or speedscope for a flame chart.
//   deno run -A bench/profile.ts DIR   prints the summary of the profiles in DIR

/** The environment that makes the gateway profile each thread for `ms` into `dir`. */
export function profileEnv(
  dir: string | undefined,
  ms: number,
): Record<string, string> | undefined {
  if (!dir) return undefined;
  Deno.mkdirSync(dir, { recursive: true });
  return { TAGFLOW_CPU_PROFILE_DIR: dir, TAGFLOW_CPU_PROFILE_MS: String(ms) };
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by function (top `n`) of one profile, as Markdown lines. */
export function summarize(name: string, p: Profile, n = 12): string[] {
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    const file = f.url.replace(/^.*\/(node_modules\/\.deno\/|src\/|actors\/)/, "$1");
    const key = f.url
      ? `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`
      : f.functionName;
    if (key === "(idle)") return;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    `### ${name}: ${(total / 1000).toFixed(0)} ms on CPU`,
    "",
    "| self ms | % | function |",
    "| ---: | ---: | --- |",
    ...top.map(([k, us]) =>
      `| ${(us / 1000).toFixed(1)} | ${(100 * us / total).toFixed(1)} | ${k} |`
    ),
    "",
  ];
}

if (import.meta.main) {
  const dir = Deno.args[0];
  for (const e of [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.name.endsWith(".cpuprofile")) continue;
    const p = JSON.parse(Deno.readTextFileSync(`${dir}/${e.name}`)) as Profile;
    console.log(summarize(e.name.replace(".cpuprofile", ""), p).join("\n"));
  }
}
