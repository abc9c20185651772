import { HttpError, InfluxDB } from "@influxdata/influxdb-client";
import type { InfluxdbSinkConfig } from "./config.ts";
import {
  type ActorContext,
  runBufferedSink,
  type SinkWriter,
  type Verdict,
} from "../../src/runtime/kit.ts";
import { toLineProtocol } from "./lines.ts";
import { BodyBytes } from "./body_bytes.ts";

const text = new TextDecoder();

/** Rejections no retry fixes (bad line protocol, wrong types for a field); the rest are retried. */
function classify(err: unknown): Verdict {
  const status = err instanceof HttpError ? err.statusCode : (err as { status?: number }).status;
  return status === 400 || status === 422 ? "reject" : "retry";
}

/** Writes through @influxdata/influxdb-client to /api/v2/write (InfluxDB 2/3, VictoriaMetrics). */
function v2Writer(cfg: InfluxdbSinkConfig, ca?: string): SinkWriter {
  const api = new InfluxDB({
    url: cfg.url,
    token: cfg.token ?? "",
    timeout: cfg.timeout_ms,
    transportOptions: ca ? { ca } : {},
  })
    .getWriteApi(cfg.org, cfg.bucket, cfg.precision, {
      maxRetries: 0,
      flushInterval: 0,
      batchSize: 1 << 30,
      gzipThreshold: cfg.gzip ? 1000 : undefined,
    });
  return {
    async write(rows) {
      const body = toLineProtocol(rows.blocks, cfg);
      if (body.length > 0) api.writeRecord(text.decode(body.subarray(0, -1)));
      await api.flush(true);
    },
    classify,
    close: () => api.close().catch(() => {}),
  };
}

/** Posts line protocol to InfluxDB 1.x's /write (the v2 client cannot: 1.x before 1.8 has no /api/v2). */
function v1Writer(cfg: InfluxdbSinkConfig, client?: Deno.HttpClient): SinkWriter {
  const params = new URLSearchParams({ db: cfg.database, precision: cfg.precision });
  if (cfg.retention_policy) params.set("rp", cfg.retention_policy);
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (cfg.username) {
    headers.authorization = `Basic ${btoa(`${cfg.username}:${cfg.password ?? ""}`)}`;
  }
  if (cfg.gzip) headers["content-encoding"] = "gzip";
  const out = new BodyBytes(); // one write at a time per writer; fetch copies the body
  return {
    async write(rows) {
      const lines = toLineProtocol(rows.blocks, cfg, out);
      if (lines.length === 0) return;
      const body = cfg.gzip
        ? await new Response(new Blob([lines]).stream().pipeThrough(new CompressionStream("gzip")))
          .arrayBuffer()
        : lines;
      const res = await fetch(`${cfg.url.replace(/\/$/, "")}/write?${params}`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(cfg.timeout_ms),
        client,
      }).catch((err) => {
        // fetch says "fetch failed"; the reason (refused, a certificate not trusted…) is its cause.
        throw new Error((err as Error).cause ? String((err as Error).cause) : String(err));
      });
      if (res.status === 204) return;
      const detail = await res.text();
      throw Object.assign(new Error(`InfluxDB answered ${res.status}: ${detail.slice(0, 300)}`), {
        status: res.status,
      });
    },
    classify,
    close: () => Promise.resolve(),
  };
}

/** The InfluxDB sink: line protocol through the v2 API (client library) or the v1 API, from the disk buffer. */
export default async function influxdb(ctx: ActorContext<InfluxdbSinkConfig>): Promise<void> {
  const cfg = ctx.config;
  // A plant's own certificate authority for https://, besides the system's.
  const ca = cfg.ca_file ? await Deno.readTextFile(cfg.ca_file) : undefined;
  const client = ca ? Deno.createHttpClient({ caCerts: [ca] }) : undefined;
  if (cfg.api === "v1") {
    // Make sure the database exists; an existing one is left as it is.
    await fetch(`${cfg.url.replace(/\/$/, "")}/query`, {
      client,
      method: "POST",
      body: new URLSearchParams({ q: `CREATE DATABASE "${cfg.database.replaceAll('"', '\\"')}"` }),
      headers: cfg.username
        ? { authorization: `Basic ${btoa(`${cfg.username}:${cfg.password ?? ""}`)}` }
        : {},
    }).then((r) => r.body?.cancel()).catch(
      () => {/* the writer retries until the server answers */},
    );
  }
  await runBufferedSink(
    ctx,
    cfg,
    () => Promise.resolve(cfg.api === "v1" ? v1Writer(cfg, client) : v2Writer(cfg, ca)),
  );
  client?.close();
}
