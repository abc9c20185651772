// The dashboard in Debian's Chromium (headless, driven by playwright-core), against the gateway
// running the default config's devices: values that change, a trend with points, a write of the
// signal light with its read-back, and a device whose simulator was stopped shown in red with the
// reason. The simulators run as processes of their own (on free ports) so one can be stopped.
// Screenshots of a failure are kept in test-artifacts/.
import assert from "node:assert/strict";
import { parse } from "jsonc-parser";
import { chromium, type Page } from "playwright-core";
import { GatewayProcess, PERMISSIONS } from "../helpers/gateway_process.ts";
import { eventually, freePort } from "../helpers/net.ts";

const ROOT = new URL("../../", import.meta.url);
const SIM = new URL("src/sim/main.ts", ROOT).pathname;
const ARTIFACTS = new URL("test-artifacts/", ROOT).pathname;
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Waits until the text of `selector` passes `test` (read from the page, polled). */
function textOf(page: Page, selector: string, test: (text: string) => boolean, what: string) {
  return eventually(what, async () => {
    const text = await page.textContent(selector, { timeout: 1000 }).catch(() => null);
    return text !== null && test(text) ? text : undefined;
  }, 30_000);
}

/** `deno task sim` with the given simulators, until stopped. */
async function simulators(args: string[]): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, SIM, ...args],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const wanted = args.filter((a) => a.includes("@")).length;
  let seen = "";
  while ((seen.match(/simulator listening/g) ?? []).length < wanted) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`Cannot start the simulators ${args.join(" ")}`);
    seen += value;
  }
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return child;
}

/** The repo's config.jsonc with its devices pointed at simulators on the given ports. */
async function defaultConfig(
  dir: string,
  ports: { c1: number; demo: number; c2: number; api: number; noBroker: number },
) {
  const config = parse(await Deno.readTextFile(new URL("config.jsonc", ROOT)));
  delete config.simulators;
  config.api = { port: ports.api, tokens: { operator: "dash-token" } };
  config.commands = { audit_file: `${dir}/audit.jsonl` };
  config.devices.compressor1.port = ports.c1;
  config.devices.demo.port = ports.demo;
  const c2 = config.devices.compressor2;
  c2.endpoint = `opc.tcp://127.0.0.1:${ports.c2}/tagflow`;
  c2.trusted_certificates = [`${dir}/sim-pki/server/own/certs/certificate.pem`];
  c2.pki_dir = `${dir}/gw-pki`;
  config.sinks.history.file = `${dir}/history.sqlite`;
  config.sinks.history.buffer = { dir: `${dir}/buffer` };
  // A machine with no broker: the MQTT sinks retry (and /ready says 503), the rest goes on.
  for (const id of ["mqtt", "neuron"]) config.sinks[id].url = `mqtt://127.0.0.1:${ports.noBroker}`;
  const file = `${dir}/config.json`;
  await Deno.writeTextFile(file, JSON.stringify(config));
  return file;
}

Deno.test({
  name:
    "the dashboard in Chromium, no broker: live values, a trend, a write with its read-back, a stopped device in red",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "dashboard-" });
    const ports = {
      c1: freePort(),
      demo: freePort(),
      c2: freePort(),
      api: freePort(),
      noBroker: freePort(),
    };
    const simC1 = await simulators(["--sim", `c1=compressor@${ports.c1}`]);
    const simRest = await simulators([
      "--sim",
      `demo=seed001@${ports.demo}`,
      "--sim",
      `c2=opcua@${ports.c2}`,
      "--opcua-user",
      "operator:tagflow",
      "--pki-dir",
      `${dir}/sim-pki`,
    ]);
    const gw = new GatewayProcess(await defaultConfig(dir, ports), ports.api);
    const devicesRunning = async () => {
      const actors = (await gw.get("/api/actors")).body as { role: string; state: string }[];
      return actors.filter((a) => a.role === "device").every((a) => a.state === "running");
    };
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: CHROMIUM_ARGS,
    });
    const page: Page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Every console error, failed response and page error; from the refused write on, the 401 it
    // asks for is expected, nothing else.
    const problems: string[] = [];
    let expected: RegExp | undefined;
    const problem = (text: string) => !expected?.test(text) && problems.push(text);
    page.on("console", (m) => m.type() === "error" && problem(`console: ${m.text()}`));
    page.on("response", (r) => r.status() >= 400 && problem(`${r.status()} ${r.url()}`));
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    let c1Running = true;
    try {
      await gw.healthy();
      await eventually("every device running", async () => (await devicesRunning()) || undefined);
      await page.goto(`${gw.url}/`);

      await t.step("the default config's devices, running, with values that change", async () => {
        for (const id of ["compressor1", "compressor2", "demo"]) {
          await page.waitForSelector(`#devices li[data-id="${id}"][data-state="running"]`);
        }
        await page.click('#devices li[data-id="compressor1"]');
        const cell = '#tags tr[data-tag="temperature"] .value';
        const first = await textOf(
          page,
          cell,
          (t) => t !== "–" && !Number.isNaN(Number(t)),
          "a value",
        );
        await textOf(page, cell, (t) => t !== first, "the value changing");
        assert.match(
          await page.textContent('#tags tr[data-tag="temperature"] .quality') ?? "",
          /good/,
        );
      });

      await t.step("a trend of the tag, from the history and live", async () => {
        await page.click('#tags tr[data-tag="temperature"] td:first-child');
        await page.waitForSelector("#trend canvas");
        await eventually(
          "two points or more in the trend",
          async () => Number(await page.getAttribute("#trend", "data-points")) >= 2 || undefined,
        );
      });

      await t.step(
        "the signal light written from the page, with the token, and read back",
        async () => {
          await page.click('#devices li[data-id="compressor2"]');
          const row = '#tags tr[data-tag="signal_light"]';
          await page.waitForSelector(`${row} input[type="checkbox"]`);
          assert.deepEqual(problems, [], "no console error, failed request or page error so far");
          expected = /(status of 401|^401 .*\/write$)/;
          await page.fill("#token", "wrong");
          await page.dispatchEvent("#token", "change");
          await page.check(`${row} input[type="checkbox"]`);
          await page.click(`${row} .write-button`);
          await textOf(
            page,
            `${row} .write-result`,
            (t) => /^401 unauthorized/.test(t),
            "the refusal",
          );
          await page.fill("#token", "dash-token");
          await page.dispatchEvent("#token", "change");
          await page.click(`${row} .write-button`);
          await textOf(
            page,
            `${row} .write-result`,
            (t) => t === "written true, read back true",
            "the read-back",
          );
          await textOf(
            page,
            "#audit",
            (t) => /signal_light = true → done/.test(t),
            "the audit line",
          );
        },
      );

      await t.step(
        "rows are updated in place: a click or a half-typed value survives",
        async () => {
          const row = await page.$('#tags tr[data-tag="temperature"]');
          const cell = '#tags tr[data-tag="temperature"] .value';
          const first = await textOf(page, cell, (t) => t !== "–", "a temperature");
          await textOf(page, cell, (t) => t !== first, "the temperature changing");
          assert.equal(await row!.evaluate((r) => r.isConnected), true, "the same row, updated");
        },
      );

      await t.step("a device whose simulator stopped: red, with the reason", async () => {
        simC1.kill("SIGKILL");
        await simC1.status;
        c1Running = false;
        const li = '#devices li[data-id="compressor1"][data-state="degraded"]';
        await page.waitForSelector(li, { timeout: 30_000 });
        const reason = await page.textContent(`${li} .reason`);
        assert.match(reason ?? "", /connection (lost|failed)/);
        const colour = await page.evaluate(
          `getComputedStyle(document.querySelector('${li}')).color`,
        );
        assert.equal(colour, "rgb(198, 40, 40)", "red");
      });
      assert.deepEqual(
        problems,
        [],
        "no console error, failed request or page error but those asked for",
      );
    } catch (err) {
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      const shot = `${ARTIFACTS}dashboard-${Date.now()}.png`;
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.error(`screenshot of the failure: ${shot}; page problems: ${problems.join("; ")}`);
      throw err;
    } finally {
      await browser.close();
      const { code, stderr } = await gw.stop();
      if (c1Running) simC1.kill("SIGTERM");
      simRest.kill("SIGTERM");
      await Promise.all([simC1.status, simRest.status]);
      await Deno.remove(dir, { recursive: true });
      assert.equal(code, 0, stderr);
    }
  },
});
