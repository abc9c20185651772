/**
 * `deno task discover opc.tcp://host:port/path`: browses an OPC UA server from a node (the
 * Objects folder by default) and prints a device config for the variables found — node id, name,
 * type and writable — ready to paste under `devices`.
 *
 *   deno task discover ENDPOINT [--node ns=1;s=Line3] [--id press1] [--depth 8] [--max 5000]
 *     [--security-policy Basic256Sha256 --security-mode SignAndEncrypt]
 *     [--username NAME] (password from $OPCUA_PASSWORD) [--certificate F --private-key F]
 *     [--pki-dir data/pki/opcua] [--uris] (node ids as nsu=<namespace URI>;…)
 *     [--trust-on-first-use]
 */
import {
  AccessLevelFlag,
  AttributeIds,
  BrowseDirection,
  CertificateManager,
  type ClientSession,
  MessageSecurityMode,
  NodeClass,
  OPCUAClient,
  type ReferenceDescription,
  SecurityPolicy,
  setDebugLogger,
  setWarningLogger,
} from "node-opcua";
import { parseArgs } from "node:util";
import { isUntrusted, openPki, untrustedAdvice } from "./pki.ts";
import { identity } from "./session.ts";
import { opcuaTypeName } from "./values.ts";
import { opcuaDevice } from "./config.ts";

/** One variable found: what a tag entry needs. */
export interface Found {
  name: string;
  node_id: string;
  type?: string;
  writable: boolean;
}

/** How to browse. */
export interface DiscoverOptions {
  /** Node to start from; default the Objects folder. */
  node?: string;
  /** Write node ids with their namespace URI (`nsu=`), which survives renumbering. */
  uris?: boolean;
  depth?: number;
  max?: number;
}

/** A tag name from a browse path: letters, digits and _ only, lower case, words joined by _. */
export function tagName(path: string[]): string {
  return path.map((p) =>
    p.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")
      .toLowerCase()
  ).filter((p) => p.length > 0).join("_") || "tag";
}

async function children(session: ClientSession, nodeId: string): Promise<ReferenceDescription[]> {
  let result = await session.browse({
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: "HierarchicalReferences",
    includeSubtypes: true,
    nodeClassMask: NodeClass.Object | NodeClass.Variable,
    resultMask: 0x3f,
  });
  const refs = [...(result.references ?? [])];
  while (result.continuationPoint && result.continuationPoint.length > 0) {
    result = await session.browseNext(result.continuationPoint, false);
    refs.push(...(result.references ?? []));
  }
  return refs;
}

/**
 * Walks the address space below a node (objects and folders, not the standard namespace 0 ones
 * such as Server) and lists its variables with their built-in DataType and write access.
 */
export async function discover(
  session: ClientSession,
  opts: DiscoverOptions = {},
): Promise<Found[]> {
  const { node = "ns=0;i=85", depth = 8, max = 5000 } = opts;
  const uris = opts.uris
    ? (await session.read({ nodeId: "i=2255", attributeId: AttributeIds.Value })).value
      .value as string[]
    : [];
  const idText = (ref: ReferenceDescription) => {
    const text = ref.nodeId.toString();
    const uri = uris[ref.nodeId.namespace];
    return uri ? text.replace(/^ns=\d+;/, `nsu=${uri};`) : text;
  };
  const variables: { ref: ReferenceDescription; path: string[] }[] = [];
  const seen = new Set<string>();
  const walk = async (nodeId: string, path: string[], level: number) => {
    if (level > depth || variables.length >= max) return;
    for (const ref of await children(session, nodeId)) {
      const id = ref.nodeId.toString();
      if (ref.nodeId.namespace === 0 || seen.has(id)) continue;
      seen.add(id);
      const here = [...path, ref.browseName.name ?? id];
      if (ref.nodeClass === NodeClass.Variable) {
        if (variables.length < max) variables.push({ ref, path: here });
      } else await walk(id, here, level + 1);
    }
  };
  await walk(node, [], 0);
  const found: Found[] = [];
  const names = new Set<string>();
  for (let i = 0; i < variables.length; i += 500) {
    const part = variables.slice(i, i + 500);
    const attrs = await session.read(part.flatMap(({ ref }) => [
      { nodeId: ref.nodeId, attributeId: AttributeIds.DataType },
      { nodeId: ref.nodeId, attributeId: AttributeIds.UserAccessLevel },
    ]));
    part.forEach(({ ref, path }, j) => {
      const dataType = attrs[2 * j].value.value as { namespace: number; value: unknown } | null;
      const access = Number(attrs[2 * j + 1].value.value ?? 0);
      let name = tagName(path);
      for (let n = 2; names.has(name); n++) name = `${tagName(path)}_${n}`;
      names.add(name);
      const type = dataType?.namespace === 0 && typeof dataType.value === "number"
        ? opcuaTypeName(dataType.value)
        : undefined;
      const entry: Found = { name, node_id: idText(ref), writable: false };
      if (type) entry.type = type;
      entry.writable = (access & AccessLevelFlag.CurrentWrite) !== 0;
      found.push(entry);
    });
  }
  return found;
}

/** The device config for what was found, checked against the schema before it is printed. */
export function snippet(
  id: string,
  device: Record<string, unknown>,
  found: Found[],
): string {
  const tags = found.map((f) => {
    const t: Record<string, unknown> = { name: f.name, node_id: f.node_id };
    if (f.type) t.type = f.type;
    if (f.writable) t.writable = true;
    return t;
  });
  opcuaDevice.parse({ ...device, tags });
  const body = JSON.stringify({ devices: { [id]: { ...device, tags: [] } } }, null, 2);
  const items = tags.map((t) => `        ${JSON.stringify(t)}`).join(",\n");
  return body.replace('"tags": []', `"tags": [\n${items}\n      ]`);
}

async function main(): Promise<number> {
  // The snippet alone goes to stdout, so it can be redirected into a file.
  setWarningLogger((...args) => console.error(...args));
  setDebugLogger((...args) => console.error(...args));
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      node: { type: "string" },
      id: { type: "string", default: "device1" },
      depth: { type: "string", default: "8" },
      max: { type: "string", default: "5000" },
      "security-policy": { type: "string", default: "None" },
      "security-mode": { type: "string", default: "None" },
      username: { type: "string" },
      certificate: { type: "string" },
      "private-key": { type: "string" },
      "pki-dir": { type: "string", default: "data/pki/opcua" },
      "trust-on-first-use": { type: "boolean", default: false },
      uris: { type: "boolean", default: false },
    },
  });
  const endpoint = positionals[0];
  if (!endpoint?.startsWith("opc.tcp://")) {
    console.error("usage: deno task discover opc.tcp://host:port/path [--node ID] [--id NAME] …");
    return 2;
  }
  const device: Record<string, unknown> = { kind: "opcua", endpoint };
  if (values["security-policy"] !== "None") {
    Object.assign(device, {
      security_policy: values["security-policy"],
      security_mode: values["security-mode"],
    });
  }
  const auth = values.username
    ? { type: "username", username: values.username, password: "${OPCUA_PASSWORD}" }
    : values.certificate
    ? { type: "certificate", certificate: values.certificate, private_key: values["private-key"] }
    : undefined;
  if (auth) device.auth = auth;
  if (values["pki-dir"] !== "data/pki/opcua") device.pki_dir = values["pki-dir"];
  const cfg = opcuaDevice.parse({
    ...device,
    auth: auth?.type === "username"
      ? { ...auth, password: Deno.env.get("OPCUA_PASSWORD") ?? "" }
      : auth,
    trust_on_first_use: values["trust-on-first-use"],
    tags: [{ name: "x", node_id: "i=85" }],
  });
  const pki = await openPki(cfg);
  const client = OPCUAClient.create({
    applicationName: "tagflow-discover",
    endpointMustExist: false,
    securityMode: MessageSecurityMode[cfg.security_mode],
    securityPolicy: SecurityPolicy[cfg.security_policy],
    clientCertificateManager: pki.manager,
    connectionStrategy: { maxRetry: 0 },
  });
  try {
    await client.connect(endpoint);
    const session = await client.createSession(identity(cfg));
    const found = await discover(session, {
      node: values.node,
      depth: Number(values.depth),
      max: Number(values.max),
      uris: values.uris,
    });
    await session.close();
    console.error(`// ${found.length} variables below ${values.node ?? "the Objects folder"}`);
    console.log(snippet(values.id, device, found));
    return 0;
  } catch (err) {
    console.error(
      isUntrusted(err)
        ? untrustedAdvice(pki.root, endpoint)
        : `Cannot discover ${endpoint}: ${(err as Error).message}`,
    );
    return 1;
  } finally {
    await client.disconnect();
    await pki.manager.dispose();
    await CertificateManager.disposeAll();
  }
}

if (import.meta.main) Deno.exit(await main());
