// The Modbus device actor against an independent server (Debian's python3-pymodbus) with known
// register contents: every type in every order, all four areas, bits, strings, an illegal
// address, writes read back by mbpoll, and the server going away and coming back.
import assert from "node:assert/strict";
import { modbusDevice } from "../../actors/modbus/config.ts";
import type { Captured } from "../fixtures/capture_actor.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { mbpoll, PymodbusServer } from "../helpers/pymodbus.ts";
import { pairSupervisor } from "../helpers/sink_run.ts";

const ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"] as const;
const VALUES = {
  int16: -12345,
  uint16: 54321,
  int32: -123456789,
  uint32: 3123456789,
  int64: -1234567890123,
  uint64: 9007199254740991,
  float32: 123.456,
  float64: -98765.4321,
} as const;

function tags() {
  const out: Record<string, unknown>[] = [];
  Object.entries(VALUES).forEach(([type, _], i) =>
    ORDERS.forEach((order, j) =>
      out.push({
        name: `${type}_${order}`,
        address: { area: "holding", address: 100 + (i * 4 + j) * 4 },
        type,
        order,
      })
    )
  );
  out.push(
    { name: "text_ABCD", address: "1!40301", type: "string", length: 4 },
    { name: "text_BADC", address: "1!40311", type: "string", length: 4, order: "BADC" },
    ...[0, 1, 2, 3, 7].map((b) => ({ name: `bit${b}`, address: `1!40011.${b}`, type: "bool" })),
    ...[0, 1, 2, 3].map((i) => ({ name: `coil${i}`, address: `1!0000${i + 1}`, type: "bool" })),
    ...[0, 1, 2, 3].map((i) => ({ name: `di${i}`, address: `1!1000${i + 1}`, type: "bool" })),
    ...[0, 1, 2, 3].map((i) => ({ name: `ir${i}`, address: `1!3000${i + 1}` })),
    { name: "missing", address: "1!45001", group: "far" },
    {
      name: "w_int16",
      address: "1!40501",
      type: "int16",
      scale: 0.1,
      writable: true,
      range: { min: -100, max: 100 },
    },
    { name: "w_float", address: "1!40503", type: "float32", order: "CDAB", writable: true },
    { name: "w_coil", address: "1!00101", type: "bool", writable: true },
    { name: "w_bit", address: "1!40510.2", type: "bool", writable: true },
    { name: "w_text", address: "1!40521", type: "string", length: 4, writable: true },
    { name: "ro", address: "1!40600" },
    { name: "unit2_ir0", address: "2!30001" },
  );
  return out;
}

/** Runs `fn` against a pymodbus "types" server and a gateway runtime polling it; stops both after. */
async function withPlc(
  fn: (
    ctx: { port: number; server: PymodbusServer } & Awaited<ReturnType<typeof setup>>,
  ) => Promise<void>,
  options: Record<string, unknown> = {},
  rtu = false,
): Promise<void> {
  const port = freePort();
  const server = new PymodbusServer(port, "types", rtu);
  await server.start();
  const plc = await setup(port, options);
  try {
    await fn({ port, server, ...plc });
  } finally {
    await plc.sup.stop(3000);
    await server.stop();
  }
}

/** Waits until the capture sink has a value of every tag. */
function everyTag(
  dump: () => Promise<Record<string, Captured>>,
): Promise<Record<string, Captured>> {
  return eventually("every tag reported", async () => {
    const d = await dump();
    return Object.keys(d).length >= tags().length ? d : undefined;
  });
}

async function setup(port: number, options: Record<string, unknown> = {}) {
  const device = modbusDevice.parse({
    kind: "modbus",
    host: "127.0.0.1",
    port,
    ...options,
    interval_ms: 200,
    timeout_ms: 500,
    reconnect: { initial_ms: 100, max_ms: 500 },
    groups: { far: { interval_ms: 200 } },
    tags: tags(),
  });
  const { sup } = pairSupervisor(
    { id: "plc", kind: "modbus", config: device },
    { id: "cap", kind: "capture", config: {} },
    { whenFull: "drop_oldest" },
  );
  await sup.start();
  const dump = async () => {
    const r = await sup.command("cap", { op: "dump" });
    assert.ok(r.ok);
    return r.value as Record<string, Captured>;
  };
  return { sup, dump };
}

Deno.test("modbus actor against pymodbus: types × orders, areas, bits, strings, exceptions", async () => {
  await withPlc(async ({ dump }) => {
    const seen = await everyTag(dump);
    for (const [type, value] of Object.entries(VALUES)) {
      for (const order of ORDERS) {
        const got = seen[`plc/${type}_${order}`];
        assert.equal(got.quality, "good", `${type} ${order}: ${got.reason}`);
        assert.equal(got.value, value, `${type} ${order}`);
      }
    }
    assert.equal(seen["plc/text_ABCD"].value, "Tagflow!");
    assert.equal(seen["plc/text_BADC"].value, "Tagflow!");
    // 0b1010000000000101: bits 0, 2, 15 set
    assert.deepEqual([0, 1, 2, 3, 7].map((b) => seen[`plc/bit${b}`].value), [1, 0, 1, 0, 0]);
    assert.deepEqual([0, 1, 2, 3].map((i) => seen[`plc/coil${i}`].value), [1, 0, 1, 1]);
    assert.deepEqual([0, 1, 2, 3].map((i) => seen[`plc/di${i}`].value), [0, 1, 1, 0]);
    assert.deepEqual([0, 1, 2, 3].map((i) => seen[`plc/ir${i}`].value), [11, 22, 33, 44]);
    assert.equal(seen["plc/unit2_ir0"].value, 99, "unit 2 behind the same connection");
    const missing = seen["plc/missing"];
    assert.equal(missing.quality, "bad");
    assert.equal(missing.value, null);
    assert.equal(missing.reason, "exception 2 (illegal data address)");
    assert.equal(seen["plc/ir0"].quality, "good", "the failed request marks only its own tags bad");
  });
});

Deno.test("writes: FC5/6/16 with scale, order, bits and strings, read back by mbpoll; refusals", async () => {
  await withPlc(async ({ sup, port }) => {
    await eventually(
      "plc runs",
      () => sup.status().find((a) => a.id === "plc")!.state === "running" || undefined,
    );
    const write = (tag: string, value: unknown) => sup.command("plc", { op: "write", tag, value });
    assert.deepEqual(await write("w_int16", -12.3), {
      ok: true,
      value: { tag: "w_int16", written: -12.3, readback: -12.3 },
    });
    assert.deepEqual(
      (await mbpoll(port, ["-r", "501", "-c", "1"])).values,
      ["65413"],
      "raw -123 as uint16",
    );
    assert.equal((await write("w_float", 3.25)).ok, true);
    assert.deepEqual((await mbpoll(port, ["-t", "4:float", "-r", "503", "-c", "1"])).values, [
      "3.25",
    ], "CDAB = mbpoll's default word order");
    assert.equal((await write("w_coil", true)).ok, true);
    assert.deepEqual((await mbpoll(port, ["-t", "0", "-r", "101", "-c", "1"])).values, ["1"]);
    assert.equal((await write("w_bit", true)).ok, true);
    assert.deepEqual(
      (await mbpoll(port, ["-r", "510", "-c", "1"])).values,
      ["4"],
      "bit 2 set, others kept",
    );
    assert.equal((await write("w_text", "ok")).ok, true);
    assert.deepEqual((await mbpoll(port, ["-r", "521", "-c", "2"])).values, [String(0x6f6b), "0"]);

    const refused = async (tag: string, value: unknown, why: RegExp) => {
      const r = await write(tag, value);
      assert.equal(r.ok, false, `${tag} ${value}`);
      assert.match((r as { error: { message: string } }).error.message, why);
    };
    await refused("ro", 1, /Cannot write plc\.ro: the tag is not writable/);
    await refused("nope", 1, /Cannot write plc\.nope: no such tag/);
    await refused("w_int16", 500, /outside the range \[-100, 100\]/);
    await refused("w_coil", "yes", /expected true or false/);
    await refused("w_text", "far too long", /longer than 8 characters/);
  });
});

Deno.test("the server goes away and comes back: bad quality in the gap, then values resume, no restart", async () => {
  await withPlc(async ({ sup, dump, server }) => {
    await eventually(
      "good values",
      async () => (await dump())["plc/ir0"]?.quality === "good" || undefined,
    );
    await server.stop();
    const gap = await eventually("bad values while the server is away", async () => {
      const v = (await dump())["plc/ir0"];
      return v?.quality === "bad" ? v : undefined;
    });
    assert.match(
      gap.reason ?? "",
      /^(connection (lost|failed)|timed out)/,
      `reason: ${gap.reason}`,
    );
    assert.equal(gap.value, null, "no stale good value");
    await eventually(
      "device degraded",
      () => sup.status().find((a) => a.id === "plc")!.state === "degraded" || undefined,
    );
    await server.start();
    const back = await eventually("good again", async () => {
      const v = (await dump())["plc/ir0"];
      return v?.quality === "good" ? v : undefined;
    });
    assert.equal(back.value, 11);
    // The state change travels apart from the values: wait for it rather than race it.
    const plc = await eventually("running again", () => {
      const a = sup.status().find((a) => a.id === "plc")!;
      return a.state === "running" ? a : undefined;
    });
    assert.equal(plc.restarts, 0, "reconnected without restarting the actor");
    // Counters reach the supervisor once a second.
    await eventually(
      "the reconnect counted",
      () => sup.status().find((a) => a.id === "plc")!.counters.reconnects >= 1 || undefined,
    );
  });
});

for (
  const [name, options, rtu] of [
    ["pipelined (4 in flight, 10-register requests)", {
      max_in_flight: 4,
      max_registers: 10,
      max_gap: 0,
    }, false],
    ["one request at a time with a delay between requests", {
      request_delay_ms: 5,
      max_registers: 16,
    }, false],
    ["RTU framing over TCP", { framing: "rtu_over_tcp" }, true],
  ] as const
) {
  Deno.test(`modbus actor against pymodbus, ${name}: every value right`, async () => {
    await withPlc(
      async ({ dump }) => {
        const seen = await everyTag(dump);
        for (const [type, value] of Object.entries(VALUES)) {
          for (const order of ORDERS) {
            assert.equal(
              seen[`plc/${type}_${order}`].value,
              value,
              `${type} ${order}: ${seen[`plc/${type}_${order}`].reason}`,
            );
          }
        }
        assert.equal(seen["plc/text_BADC"].value, "Tagflow!");
        assert.equal(seen["plc/unit2_ir0"].value, 99);
        assert.equal(seen["plc/missing"].reason, "exception 2 (illegal data address)");
      },
      options,
      rtu,
    );
  });
}
