import { z } from "zod";
import { backoff, bool, deviceHealth, id, ms, num, port, uns } from "../../src/model/fields.ts";
import { deadband, opcuaTag } from "./tag_config.ts";
import { checkTags } from "../../src/runtime/kit.ts";

export { deadband, opcuaTag, type OpcuaTagConfig, type OpcuaType } from "./tag_config.ts";

/** OPC UA security policies the driver speaks (names as in the OPC UA profile URIs). */
export const securityPolicy = z.enum([
  "None",
  "Basic256Sha256",
  "Aes128_Sha256_RsaOaep",
  "Aes256_Sha256_RsaPss",
]);

const auth = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("anonymous") }),
  z.strictObject({
    type: z.literal("username"),
    username: z.string().min(1),
    password: z.string().describe('from the environment: "${OPCUA_PASSWORD}"'),
  }),
  z.strictObject({
    type: z.literal("certificate"),
    certificate: z.string().min(1).describe("the user's X.509 certificate (PEM or DER file)"),
    private_key: z.string().min(1).describe("its private key (PEM file, not encrypted)"),
  }),
]).default({ type: "anonymous" });

const pollGroup = z.strictObject({
  interval_ms: ms(10).default(1000).describe("read interval; reads run at a fixed rate"),
});

export const opcuaDevice = z.strictObject({
  kind: z.literal("opcua"),
  endpoint: z.string().regex(
    /^opc\.tcp:\/\/[^/\s]+(\/\S*)?$/,
    'expected "opc.tcp://host:port/path"',
  )
    .describe("the server's endpoint URL"),
  security_policy: securityPolicy.default("None"),
  security_mode: z.enum(["None", "Sign", "SignAndEncrypt"]).default("None"),
  auth,
  pki_dir: z.string().min(1).default("data/pki/opcua").describe(
    "the gateway's PKI: own/ (its certificate, created on first start), trusted/, rejected/",
  ),
  trusted_certificates: z.array(z.string().min(1)).default([])
    .describe("server certificates (PEM or DER files) to copy into pki_dir/trusted/certs at start"),
  trust_on_first_use: bool.default(false).describe(
    "trust the first server certificate seen while nothing is trusted yet",
  ),
  timeout_ms: ms(100).default(10_000).describe("connect and request timeout"),
  timestamp: z.enum(["source", "server", "gateway"]).default("source").describe(
    "which time a sample carries: the source's, the server's (each falling back to the next), or arrival",
  ),
  subscription: z.strictObject({
    publishing_interval_ms: ms(10).default(1000),
    sampling_interval_ms: ms(0).default(1000).describe(
      "default of every tag; 0: as fast as the server can",
    ),
    queue_size: num(z.number().int().min(1).max(10_000)).default(1).describe(
      "values the server keeps per item between publishes",
    ),
    deadband: deadband.optional().describe("default data-change filter of numeric tags"),
    keepalive_count: num(z.number().int().min(1).max(1000)).default(2).describe(
      "publishing intervals without a change after which the server sends a keep-alive; with none for 3 such periods the tags are published as stale",
    ),
    max_items_per_call: num(z.number().int().min(1).max(10_000)).default(1000)
      .describe("monitored items created per request"),
  }).prefault({}),
  groups: z.record(id, pollGroup).default({}).describe(
    "read-polling groups, for servers that limit subscriptions; tags join with `group`",
  ),
  reconnect: backoff(500, 30_000),
  uns: uns.optional().describe("overrides of the gateway's UNS levels for this device"),
  health: deviceHealth.optional(),
  tags: z.array(opcuaTag).min(1),
}).superRefine((dev, ctx) => {
  checkTags(dev, ctx);
  const secure = dev.security_policy !== "None";
  if (secure !== (dev.security_mode !== "None")) {
    ctx.addIssue({
      code: "custom",
      path: ["security_mode"],
      message: secure
        ? `policy ${dev.security_policy} needs security_mode "Sign" or "SignAndEncrypt"`
        : 'security_mode "Sign" or "SignAndEncrypt" needs a security_policy other than "None"',
    });
  }
});

export type OpcuaDeviceConfig = z.output<typeof opcuaDevice>;

export const opcuaSimulator = z.strictObject({
  kind: z.literal("opcua"),
  host: z.string().default("127.0.0.1"),
  port: port.default(4840),
  pki_dir: z.string().min(1).optional().describe("the simulator's PKI; default data/pki/sim-<id>"),
  users: z.record(z.string(), z.string()).default({}).describe(
    "username → password accepted besides anonymous",
  ),
  tick_ms: ms(10).default(1000).describe("how often values change"),
});
export type OpcuaSimulatorConfig = z.output<typeof opcuaSimulator>;
