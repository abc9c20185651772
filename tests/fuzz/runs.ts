// How hard the fuzz tests push: a bounded, seeded run in the suite; `deno task fuzz` runs many
// more (FUZZ_RUNS) with a seed of the moment (FUZZ_SEED), printed by fast-check on a failure.
export const RUNS = Number(Deno.env.get("FUZZ_RUNS") ?? 150);
export const SEED = Number(
  Deno.env.get("FUZZ_SEED") ?? (Deno.env.get("FUZZ_RUNS") ? Date.now() % 2 ** 31 : 20261202),
);
/** Options for fc.assert: `scale` for targets whose every case costs a connection or a file. */
export const runs = (scale = 1) => ({ numRuns: Math.max(5, Math.round(RUNS * scale)), seed: SEED });
