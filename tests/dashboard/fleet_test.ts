// The dashboard with a fleet: 1,000 devices in one page stay usable — 50 a page, paging, search
// by name — in Debian's Chromium. The devices poll a port nothing listens on (each shown red).
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { GatewayProcess } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

const DEVICES = 1000;

Deno.test({
  name: "the dashboard with 1,000 devices: paged 50 at a time, searchable",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "fleet-" });
    const api = freePort(), nowhere = freePort();
    const devices = Object.fromEntries(
      Array.from({ length: DEVICES }, (_, i) => [`press${String(i).padStart(4, "0")}`, {
        kind: "modbus",
        host: "127.0.0.1",
        port: nowhere,
        interval_ms: 5000,
        reconnect: { initial_ms: 5000, max_ms: 30_000 },
        tags: [{ name: "t", address: "1!40001" }],
      }]),
    );
    const gw = await GatewayProcess.start({
      gateway: { log_level: "error", placement: { modbus: 1 } },
      api: { port: api },
      commands: { audit_file: `${dir}/audit.jsonl` },
      devices,
      sinks: {},
    }, api);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    try {
      await gw.healthy();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${gw.url}/`);
      await page.waitForSelector('#devices li[data-id="press0000"]');
      assert.equal(await page.locator("#devices li").count(), 50, "50 a page");
      assert.equal(await page.textContent("#page"), "1 / 20 (1000)");
      await page.click("#next");
      await page.waitForSelector('#devices li[data-id="press0050"]');
      assert.equal(await page.textContent("#page"), "2 / 20 (1000)");
      await page.fill("#search", "press099");
      await eventually(
        "the search narrows the list",
        async () => (await page.locator("#devices li").count()) === 10 || undefined,
      );
      assert.equal(await page.textContent("#page"), "1 / 1 (10)");
      await page.waitForSelector('#devices li[data-id="press0999"][data-state="degraded"]', {
        timeout: 30_000,
      });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      const { code, stderr } = await gw.stop();
      await Deno.remove(dir, { recursive: true });
      assert.equal(code, 0, stderr);
    }
  },
});
