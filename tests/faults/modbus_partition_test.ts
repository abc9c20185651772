// A Modbus device behind a link that drops every packet: the gateway (in a network namespace of
// its own) must mark the device's tags bad with the reason within a few polls, never keep
// serving the last good value, and read good values again once the link is back.
import assert from "node:assert/strict";
import { GATEWAY_COMMAND, GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";
import { Netns } from "../helpers/netns.ts";
import { PymodbusServer } from "../helpers/pymodbus.ts";
import { TcpProxy } from "../helpers/tcp_proxy.ts";

type Tag = { name: string; quality: string; reason?: string; ts?: number; value?: unknown };

Deno.test("a Modbus device behind a dropped link: its tags go bad with the reason, and good again after", async () => {
  const server = new PymodbusServer(freePort(), "seed001");
  await server.start();
  const ns = await Netns.create();
  const link = new TcpProxy(freePort(), server.port, ns.hostIp);
  link.restore();
  const api = freePort();
  const gw = await GatewayProcess.start(
    {
      api: { host: ns.nsIp, port: api },
      devices: {
        press: {
          kind: "modbus",
          host: ns.hostIp,
          port: link.port,
          interval_ms: 200,
          timeout_ms: 300,
          reconnect: { initial_ms: 200, max_ms: 1000 },
          tags: [{ name: "temperature", address: "40001", scale: 0.1 }],
        },
      },
      sinks: {},
    },
    api,
    {},
    ns.exec(GATEWAY_COMMAND),
  );
  gw.host = ns.nsIp;
  const temperature = async () =>
    ((await gw.get("/api/devices/press/tags")).body as Tag[]).find((t) => t.name === "temperature");
  try {
    const good = await eventually("a good reading", async () => {
      const t = await temperature();
      return t?.quality === "good" ? t : undefined;
    });
    assert.ok(Number(good.value) >= 28 && Number(good.value) <= 31, `value ${good.value}`);
    await ns.drop(link.port);
    const bad = await eventually("bad quality with a reason", async () => {
      const t = await temperature();
      return t?.quality === "bad" ? t : undefined;
    }, 20_000);
    assert.match(bad.reason ?? "", /tim(ed |e)out|timed out/i, `reason: ${bad.reason}`);
    await ns.heal(link.port);
    const again = await eventually("good again after the link is back", async () => {
      const t = await temperature();
      return t?.quality === "good" && (t.ts ?? 0) > (bad.ts ?? 0) ? t : undefined;
    }, 30_000);
    assert.ok(Number(again.value) >= 28 && Number(again.value) <= 31, `value ${again.value}`);
  } finally {
    await gw.stop();
    link.cut();
    await ns.destroy();
    await server.stop();
  }
});
