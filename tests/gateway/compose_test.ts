// compose.yaml read as a user would, since no Docker engine runs here: the gateway's config (the
// one compose selects) validates with the variables compose passes and stores in both databases;
// Grafana gets its data sources and dashboards; no password has a default; every mounted file is
// in the repo.
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { parseConfig } from "../../src/gateway_config.ts";
import { planFromConfig } from "../../src/plan.ts";

const ROOT = new URL("../../", import.meta.url);
const text = (path: string) => Deno.readTextFile(new URL(path, ROOT));
const compose = parseYaml(await text("compose.yaml"));
const services = compose.services as Record<string, {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  profiles?: string[];
}>;

/** compose's own substitution, with a stand-in for each variable a user would set. */
function composeValue(value: string): string {
  return value.replace(
    /\$\{(\w+)(?:(:?[-?])([^}]*))?\}/g,
    (_, name, op, fallback) => op?.endsWith("-") && fallback ? fallback : `set-${name}`,
  );
}

/** The host side of a service's bind mounts, by the path they are mounted at. */
function mounts(service: string): Map<string, string> {
  return new Map(
    (services[service].volumes ?? [])
      .filter((v) => v.startsWith("./"))
      .map((v) => v.split(":"))
      .map(([host, target]) => [target, host.slice(2)]),
  );
}

Deno.test("compose: no password or token has a default; compose refuses to start without them", async () => {
  const raw = (await text("compose.yaml")).split("\n").filter((l) => !/^\s*#/.test(l)).join("\n");
  const secrets = [...raw.matchAll(/\$\{(\w*(?:PASSWORD|TOKEN)\w*)(:?[-?])?([^}]*)\}/g)];
  assert.ok(secrets.length >= 8, `${secrets.length} secret references`);
  for (const [ref, name, op, rest] of secrets) {
    // The API token alone may be unset: writes are then off.
    if (name === "TAGFLOW_API_TOKEN") assert.equal(ref, "${TAGFLOW_API_TOKEN:-}");
    else {assert.equal(
        op,
        ":?",
        `${ref}: a secret must be required (\${${name}:?message}), got ${rest}`,
      );}
  }
  assert.doesNotMatch(raw, /GF_SECURITY_ADMIN_PASSWORD: (admin|\$\{[^}]*:-)/);
});

Deno.test("compose: the gateway's config validates with compose's variables and stores in both databases", async () => {
  const gateway = services.gateway;
  const command = gateway.command ?? [];
  const file = command[command.indexOf("--config") + 1];
  assert.ok(
    command.includes("--config") && file,
    `the gateway command selects a config: ${command}`,
  );
  const configText = await text(file);
  const env = Object.fromEntries(
    Object.entries(gateway.environment ?? {}).map(([k, v]) => [k, composeValue(String(v))]),
  );
  const used = [...configText.matchAll(/\$\{(\w+)/g)].map((m) => m[1]);
  for (const name of new Set(used)) {
    assert.ok(name in env, `${file} reads \${${name}}, which compose does not pass to the gateway`);
  }
  const config = parseConfig(configText, file, (name) => env[name]);
  const kinds = Object.fromEntries(Object.entries(config.sinks).map(([id, s]) => [id, s.kind]));
  const db = Object.keys(kinds).filter((id) =>
    kinds[id] === "timescaledb" || kinds[id] === "influxdb"
  );
  assert.deepEqual(db.map((id) => kinds[id]).sort(), ["influxdb", "timescaledb"]);
  const plan = planFromConfig(config);
  for (const [device, sinks] of plan.routes) {
    for (const id of db) assert.ok(sinks.includes(id), `${device} is routed to ${id}`);
  }
  assert.equal(
    config.sinks.timescaledb.url,
    "postgres://postgres:set-POSTGRES_PASSWORD@timescaledb:5432/postgres",
  );
  assert.equal(config.sinks.influxdb.url, "http://influxdb:8086");
});

Deno.test("compose: Grafana is provisioned with the data sources and the dashboards that use them", async () => {
  const m = mounts("grafana");
  const sources = parseYaml(
    await text(m.get("/etc/grafana/provisioning/datasources/tagflow.yaml")!),
  );
  const uids = new Set((sources.datasources as { uid: string }[]).map((d) => d.uid));
  const providers = parseYaml(
    await text(m.get("/etc/grafana/provisioning/dashboards/tagflow.yaml")!),
  );
  const path = providers.providers[0].options.path as string;
  const dir = m.get(path);
  assert.ok(dir, `the dashboards folder is mounted at ${path}`);
  const boards = [];
  for await (const e of Deno.readDir(new URL(`${dir}/`, ROOT))) {
    const board = JSON.parse(await text(`${dir}/${e.name}`));
    boards.push(board.uid);
    const refs = JSON.stringify(board).matchAll(/"uid":"(tagflow-[a-z]+)"/g);
    for (const [, uid] of refs) {
      if (uid !== board.uid) assert.ok(uids.has(uid), `${e.name} uses data source ${uid}`);
    }
    assert.ok(board.panels.length > 0, `${e.name} has panels`);
  }
  assert.deepEqual(boards.sort(), ["tagflow-gateway", "tagflow-influxdb", "tagflow-timescaledb"]);
  const home = services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? "";
  assert.ok(home.startsWith(path), `Grafana opens on a provisioned dashboard: ${home}`);
});

Deno.test("compose: Prometheus (profile metrics) scrapes the gateway's /metrics; every mounted file exists", async () => {
  const prometheus = services.prometheus;
  assert.deepEqual(prometheus.profiles, ["metrics"]);
  const scrape = parseYaml(await text(mounts("prometheus").get("/etc/prometheus/prometheus.yml")!));
  const job = scrape.scrape_configs[0];
  assert.deepEqual([job.metrics_path, job.static_configs[0].targets], ["/metrics", [
    "gateway:8080",
  ]]);
  for (const service of Object.keys(services)) {
    for (const host of mounts(service).values()) {
      if (host === "") continue; // the checkout itself (".:/app")
      assert.ok(
        await Deno.stat(new URL(host, ROOT)).then(() => true, () => false),
        `${service}: ${host}`,
      );
    }
  }
});
