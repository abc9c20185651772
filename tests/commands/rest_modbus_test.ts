// REST writes through the gateway process to Debian's pymodbus, read back by mbpoll (a client no
// one here wrote); every refusal with nothing written and an audit line each; a flood answered
// 429 while the device keeps polling; a restart of one actor.
import assert from "node:assert/strict";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { mbpoll, PymodbusServer } from "../helpers/pymodbus.ts";

const TOKEN = "tok-" + crypto.randomUUID();

/** A TCP server that accepts and never answers: a device that hangs. */
function silentServer(port: number): { close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port });
  const conns: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) conns.push(conn);
  })().catch(() => {});
  return {
    close() {
      listener.close();
      for (const c of conns) c.close();
    },
  };
}

Deno.test("REST writes to Modbus: read back by mbpoll; refusals write nothing and are audited; 429 under a flood", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "rest-modbus-" });
  const plcPort = freePort(), silentPort = freePort(), apiPort = freePort();
  const server = new PymodbusServer(plcPort, "types");
  await server.start();
  const silent = silentServer(silentPort);
  const gw = await GatewayProcess.start({
    gateway: { name: "rest_modbus", log_level: "warn" },
    api: { port: apiPort, tokens: { operator: TOKEN, other: "" } },
    commands: {
      timeout_ms: 1500,
      per_tag_per_s: 5,
      global_per_s: 1000,
      audit_file: `${dir}/audit.jsonl`,
    },
    devices: {
      plc: {
        kind: "modbus",
        host: "127.0.0.1",
        port: plcPort,
        interval_ms: 200,
        tags: [
          {
            name: "setpoint",
            address: "1!40501",
            type: "int16",
            scale: 0.1,
            writable: true,
            range: { min: -100, max: 100 },
          },
          { name: "enable", address: "1!00101", type: "bool", writable: true },
          { name: "ro", address: "1!40502", type: "uint16" },
        ],
      },
      gone: {
        kind: "modbus",
        host: "127.0.0.1",
        port: freePort(),
        reconnect: { initial_ms: 200, max_ms: 500 },
        tags: [{ name: "x", address: "1!40001", writable: true }],
      },
      hung: {
        kind: "modbus",
        host: "127.0.0.1",
        port: silentPort,
        timeout_ms: 5000,
        tags: [{ name: "x", address: "1!40001", writable: true }],
      },
    },
    sinks: {},
  }, apiPort);
  const post = async (path: string, body: unknown, token: string | null = TOKEN) => {
    const res = await fetch(gw.url + path, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const write = (device: string, tag: string, value: unknown, token: string | null = TOKEN) =>
    post(`/api/devices/${device}/tags/${tag}/write`, { value }, token);
  const registers = async (args: string[]) => (await mbpoll(plcPort, args)).values;
  try {
    await gw.healthy();
    await eventually("plc running", async () => {
      const actors = (await gw.get("/api/actors")).body as { id: string; state: string }[];
      return actors.find((a) => a.id === "plc")?.state === "running" || undefined;
    });
    const ro = await registers(["-r", "502", "-c", "1"]);

    await t.step(
      "a holding register and a coil, read back by the gateway and by mbpoll",
      async () => {
        const r = await write("plc", "setpoint", 12.5);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(
          [r.body.device, r.body.tag, r.body.written, r.body.readback, r.body.status],
          ["plc", "setpoint", 12.5, 12.5, "Good"],
        );
        assert.ok(!Number.isNaN(Date.parse(r.body.ts)));
        assert.deepEqual(
          await registers(["-r", "501", "-c", "1"]),
          ["125"],
          "raw 125 = 12.5 / 0.1",
        );
        const c = await write("plc", "enable", true);
        assert.equal(c.status, 200, JSON.stringify(c.body));
        assert.deepEqual(await registers(["-t", "0", "-r", "101", "-c", "1"]), ["1"]);
        const many = await post("/api/devices/plc/write", {
          tags: { setpoint: -3, enable: false },
        });
        assert.equal(many.status, 200);
        assert.equal(many.body.ok, true, JSON.stringify(many.body));
        assert.deepEqual(many.body.results.map((x: { tag: string }) => x.tag), [
          "setpoint",
          "enable",
        ]);
        assert.deepEqual(await registers(["-r", "501", "-c", "1"]), ["65506"], "-30 as uint16");
        assert.deepEqual(await registers(["-t", "0", "-r", "101", "-c", "1"]), ["0"]);
      },
    );

    await t.step(
      "the tag list shows the written value, read from the latest-value table",
      async () => {
        const tag = await eventually("setpoint polled as -3", async () => {
          const tags = (await gw.get("/api/devices/plc/tags")).body as Record<string, unknown>[];
          const s = tags.find((x) => x.name === "setpoint");
          return s?.value === -3 ? s : undefined;
        });
        assert.deepEqual([tag.writable, tag.quality, tag.type], [true, "good", "int16"]);
      },
    );

    await t.step("every refusal: its status and code, and nothing written", async () => {
      const cases: [
        string,
        Promise<{ status: number; body: { error: { code: string; message: string } } }>,
        number,
        string,
        RegExp,
      ][] = [
        ["no token", write("plc", "setpoint", 50, null), 401, "unauthorized", /Bearer/],
        ["a wrong token", write("plc", "setpoint", 50, "nope"), 401, "unauthorized", /not valid/],
        [
          "a read-only tag",
          write("plc", "ro", 7),
          403,
          "forbidden",
          /plc\.ro: the tag is not writable/,
        ],
        ["an unknown device", write("press9", "x", 1), 404, "not_found", /no device "press9"/],
        ["an unknown tag", write("plc", "nope", 1), 404, "not_found", /no tag "nope"/],
        [
          "out of range",
          write("plc", "setpoint", 500),
          400,
          "bad_value",
          /outside the range \[-100, 100\]/,
        ],
        ["a wrong type", write("plc", "enable", "yes"), 400, "bad_value", /expected true or false/],
        [
          "bad JSON",
          post("/api/devices/plc/tags/setpoint/write", "{oops"),
          400,
          "bad_json",
          /not valid JSON/,
        ],
        ["no value", post("/api/devices/plc/tags/setpoint/write", {}), 400, "bad_request", /value/],
        ["not connected", write("gone", "x", 1), 503, "not_connected", /gone\.x: not connected/],
        ["no answer in time", write("hung", "x", 1), 504, "timed_out", /no answer within 1500 ms/],
      ];
      for (const [what, answer, status, code, message] of cases) {
        const r = await answer;
        assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, code, what);
        assert.match(r.body.error.message, message, what);
      }
      assert.deepEqual(await registers(["-r", "501", "-c", "1"]), ["65506"], "setpoint unchanged");
      assert.deepEqual(await registers(["-r", "502", "-c", "1"]), ro, "ro unchanged");
      assert.deepEqual(
        await registers(["-t", "0", "-r", "101", "-c", "1"]),
        ["0"],
        "coil unchanged",
      );
    });

    await t.step(
      "a flood on one tag: 429 beyond its rate while the device keeps polling",
      async () => {
        const polls = async () => {
          const actors = (await gw.get("/api/actors")).body as {
            id: string;
            counters: { polls: number };
          }[];
          return actors.find((a) => a.id === "plc")!.counters.polls;
        };
        const before = await polls();
        const answers = await Promise.all(
          Array.from({ length: 40 }, (_, i) => write("plc", "setpoint", i % 10)),
        );
        const statuses = answers.map((a) => a.status);
        assert.ok(statuses.every((s) => s === 200 || s === 429), statuses.join(","));
        const limited = statuses.filter((s) => s === 429).length;
        assert.ok(limited >= 25, `${limited} of 40 answered 429`);
        assert.match(
          answers.find((a) => a.status === 429)!.body.error.message,
          /rate of 5 commands a second to one tag/,
        );
        await eventually("polls go on", async () => (await polls()) >= before + 5 || undefined);
      },
    );

    await t.step("one actor restarted, the others untouched", async () => {
      const r = await post("/api/actors/plc/restart", {});
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const unauth = await post("/api/actors/plc/restart", {}, null);
      assert.equal(unauth.status, 401);
      assert.equal((await post("/api/actors/nope/restart", {})).status, 404);
      await eventually("plc running again", async () => {
        const actors = (await gw.get("/api/actors")).body as {
          id: string;
          state: string;
          restarts: number;
        }[];
        const plc = actors.find((a) => a.id === "plc")!;
        return plc.state === "running" || undefined;
      });
      // (setpoint's rate is spent by the flood: another tag)
      assert.equal((await write("plc", "enable", true)).status, 200, "writes after the restart");
    });

    await t.step("an audit line for every command, done or refused", async () => {
      const audit = (await gw.get("/api/audit?limit=1000")).body as Record<string, unknown>[];
      const lines = (await Deno.readTextFile(`${dir}/audit.jsonl`)).trim().split("\n");
      assert.equal(lines.length, audit.length, "the file and the API agree");
      const count = (pred: (e: Record<string, unknown>) => boolean) => audit.filter(pred).length;
      assert.equal(count((e) => e.code === "unauthorized"), 3, "two writes and a restart");
      for (const code of ["forbidden", "bad_value", "not_connected", "timed_out"]) {
        assert.ok(count((e) => e.code === code) >= 1, `an audit line with ${code}`);
      }
      assert.equal(count((e) => e.code === "not_found" && e.action === "write"), 2);
      assert.ok(count((e) => e.code === "rate_limited") >= 25);
      const done = audit.find((e) =>
        e.outcome === "done" && e.tag === "setpoint" && e.value === 12.5
      )!;
      assert.deepEqual(
        [done.channel, done.caller, done.device, done.written, done.readback],
        ["rest", "operator", "plc", 12.5, 12.5],
      );
      assert.equal(typeof done.duration_ms, "number");
      assert.ok(
        audit.some((e) => e.action === "restart" && e.actor === "plc" && e.outcome === "done"),
      );
      // Bad JSON and a missing value are refused before the command path, and audited too.
      assert.deepEqual(
        audit.filter((e) => e.code === "bad_request" || e.code === "bad_json").map((
          e,
        ) => [e.code, e.caller, e.tag, e.outcome]),
        [["bad_json", "operator", "setpoint", "refused"], [
          "bad_request",
          "operator",
          "setpoint",
          "refused",
        ]],
      );
    });
  } finally {
    const { code, stderr } = await gw.stop();
    silent.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
    assert.equal(code, 0, stderr);
  }
});
