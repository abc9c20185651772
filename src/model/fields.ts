import { z } from "zod";

/** What a full queue or buffer does: hold the producers back, or drop its oldest entries (counted). */
export const WHEN_FULL = ["block", "drop_oldest"] as const;
export type WhenFull = (typeof WHEN_FULL)[number];

/** Ids of devices, sinks and simulators: used in topics, table rows and logs. */
export const id = z.string().regex(/^[A-Za-z0-9_-]+$/, "use letters, digits, _ or -");

/** A number that may also arrive as a digit string (from `${ENV}` substitution). */
export function num<T extends z.ZodNumber>(schema: T) {
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v),
    schema,
  );
}

/** A boolean that may also arrive as "true"/"false" (from `${ENV}` substitution). */
export const bool = z.preprocess(
  (v) => (v === "true" ? true : v === "false" ? false : v),
  z.boolean(),
);

export const port = num(z.number().int().min(1).max(65535));

/** Milliseconds, at least `min`. */
export const ms = (min = 1) => num(z.number().int().min(min));

/** ISA-95 levels above the device; empty levels are left out of the path. */
export const uns = z.strictObject({
  enterprise: z.string().optional(),
  site: z.string().optional(),
  area: z.string().optional(),
  line: z.string().optional(),
  cell: z.string().optional(),
}).describe("ISA-95 levels above the device: enterprise/site/area/line/cell");

/** Jittered exponential backoff settings. */
export const backoff = (initial: number, max: number) =>
  z.strictObject({
    initial_ms: ms(1).default(initial).describe("first delay"),
    max_ms: ms(1).default(max).describe("cap on any delay"),
  }).default({ initial_ms: initial, max_ms: max });

/** The bounded queue in front of a sink. */
export const queue = (whenFull: WhenFull) =>
  z.strictObject({
    max_samples: num(z.number().int().min(1)).default(100_000).describe(
      "samples held while the sink is slow or down, shared among the workers that feed it",
    ),
    when_full: z.enum(WHEN_FULL).default(whenFull)
      .describe(
        "block: hold the devices back (they skip and count overrun polls); drop_oldest: drop and count",
      ),
  }).default({ max_samples: 100_000, when_full: whenFull });

/** The on-disk store-and-forward buffer under a sink. */
export const diskBuffer = () =>
  z.strictObject({
    dir: z.string().optional().describe(
      "directory of the buffer's segment files; default data/buffer/<sink id>",
    ),
    max_bytes: num(z.number().int().min(1024)).default(1 << 30).describe(
      "bytes on disk before when_full applies",
    ),
    segment_bytes: num(z.number().int().min(1024)).default(8 << 20),
    when_full: z.enum(WHEN_FULL).default("block")
      .describe(
        "block: stop taking samples (the devices skip and count polls); drop_oldest: drop and count",
      ),
    fsync: z.enum(["always", "interval", "never"]).default("always")
      .describe(
        "always: nothing accepted is lost on power loss; interval/never: faster, may lose the last moments",
      ),
    fsync_interval_ms: ms(1).default(1000),
  }).prefault({});

/** How a database sink batches its writes. */
export const batching = z.strictObject({
  max_samples: num(z.number().int().min(1)).default(10_000).describe("samples per write"),
  max_linger_ms: ms(0).default(200).describe("wait at most this long to fill a write"),
  max_in_flight: num(z.number().int().min(1).max(8)).default(2).describe(
    "writes under way at once, each on its own connection; records leave the buffer in order",
  ),
  retry: z.strictObject({ initial_ms: ms(1).default(200), max_ms: ms(1).default(30_000) }).prefault(
    {},
  ),
}).prefault({});

/** MQTT keep-alive: a broker silent for 1.5× this long (a link dropping packets) is left. */
export const keepalive = () =>
  num(z.number().int().min(1).max(65_535)).default(30).describe(
    "seconds between pings; a broker silent for 1.5× this long (a link that drops packets) is dropped and reconnected",
  );

/** How long a database write or connect may take before it fails and is retried. */
export const writeTimeout = () =>
  ms(1000).default(30_000).describe(
    "a write or connect taking longer fails and is retried from the buffer (a link that drops packets)",
  );

/** A device's health thresholds (the gateway's `health` section holds the defaults). */
export const deviceHealth = z.strictObject({
  degraded_after: num(z.number().int().min(1)).optional().describe(
    "polls in a row that read nothing good before the device is degraded",
  ),
  stale_after_ms: ms(1).optional().describe(
    "a tag with no new value this long is published once as uncertain (stale); default 3 × its interval, at least 1 s",
  ),
}).describe("when the device counts as degraded and its tags as stale");

/** A sink's health thresholds (the gateway's `health` section holds the defaults). */
export const sinkHealth = z.strictObject({
  degraded_after: num(z.number().int().min(1)).optional().describe(
    "writes in a row that failed before the sink is degraded",
  ),
  lag_alarm_ms: ms(1).optional().describe(
    "the sink is degraded while its oldest record not yet stored is older than this",
  ),
}).describe("when the sink counts as degraded");

/** TLS to an MQTT broker (mqtts://, wss://): whom to trust, who the gateway is. */
export const mqttTls = z.strictObject({
  ca_file: z.string().min(1).optional().describe(
    "PEM file of the CA that signed the broker's certificate; default: the system's CAs",
  ),
  cert_file: z.string().min(1).optional().describe(
    "the gateway's client certificate (PEM), for brokers that ask for one",
  ),
  key_file: z.string().min(1).optional().describe(
    "the client certificate's private key (PEM); readable by the gateway's user only",
  ),
  server_name: z.string().min(1).optional().describe(
    "the name the broker's certificate must carry; default: the URL's host",
  ),
}).refine((t) => !t.cert_file === !t.key_file, {
  message: "cert_file and key_file go together",
}).describe(
  "TLS for mqtts:// and wss:// URLs; the broker's certificate and name are always checked",
);

/** Where an MQTT broker is and how to log in: the fields every MQTT client's config starts with. */
export const mqttBroker = {
  url: z.string().regex(
    /^(mqtts?|wss?|tcp|ssl):\/\//,
    "expected mqtt://, mqtts://, ws:// or wss://",
  )
    .describe("broker URL; mqtts:// for TLS"),
  tls: mqttTls.optional(),
  username: z.string().optional(),
  password: z.string().optional().describe('use "${ENV_VAR}"; never written to logs'),
};

/** Where a NATS server (or cluster) is and how to log in: the fields every NATS client starts with. */
export const natsServer = {
  servers: z.union([z.string(), z.array(z.string()).min(1)])
    .transform((s) => Array.isArray(s) ? s : [s])
    .pipe(
      z.array(
        z.string().regex(/^(nats|tls):\/\/[^/]+$/, "expected nats://host:port or tls://host:port"),
      ),
    )
    .describe(
      "a server URL, or several of one cluster (the client moves on when one is down; it uses only these)",
    ),
  tls: mqttTls.optional().describe(
    "TLS (tls:// URLs, or a server that requires it); the server's certificate is always checked",
  ),
  user: z.string().optional(),
  password: z.string().optional().describe('use "${ENV_VAR}"; never written to logs'),
  token: z.string().optional().describe('use "${ENV_VAR}"; never written to logs'),
};
