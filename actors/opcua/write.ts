import { AttributeIds, type ClientSession, Variant, VariantArrayType } from "node-opcua";
import { GatewayError } from "../../src/model/errors.ts";
import { type Command, type TagsByName, writeRefused, writeTarget } from "../../src/runtime/kit.ts";
import { coerce } from "./coerce.ts";
import { type OpcuaTag, readTypes } from "./tags.ts";
import { readingOf, statusQuality } from "./values.ts";

/** What a write answers: the value written, the server's status, and what it reads back. */
export interface WriteResult {
  tag: string;
  written: number | string | boolean;
  status: string;
  readback?: number | string | boolean | null;
}

const reject = writeRefused;

/**
 * Writes a JSON value to a writable tag, coerced to the node's DataType (declared, or read from
 * the server), and reads it back. A status other than Good is refused with its name.
 */
export async function writeTag(
  current: ClientSession | undefined,
  tags: TagsByName<OpcuaTag>,
  device: string,
  command: Command,
): Promise<WriteResult> {
  const target = writeTarget("opcua", device, tags, command, current);
  const { tag, name, where, value, connection: session } = target;
  if (tag.nodeId === undefined) {
    throw reject(where, `the server has no namespace for ${tag.cfg.node_id}`);
  }
  try {
    if (!tag.type) await readTypes(session, [tag], 1);
    if (!tag.type) throw reject(where, `the node ${tag.cfg.node_id} has no built-in scalar type`);
    const c = coerce(value, tag.type);
    if (!c.ok) throw reject(where, c.reason);
    const nodeId = tag.nodeId;
    const status = await session.write({
      nodeId,
      attributeId: AttributeIds.Value,
      value: {
        value: new Variant({
          dataType: c.dataType,
          arrayType: VariantArrayType.Scalar,
          value: c.value,
        }),
      },
    });
    if (statusQuality(status).quality !== 0) {
      throw reject(where, `the server answered ${status.name}`);
    }
    const back = readingOf(
      await session.read({ nodeId, attributeId: AttributeIds.Value }),
      "server",
      Date.now(),
    );
    const bad = typeof back.value === "number" && Number.isNaN(back.value);
    const readback = bad ? null : tag.type === "Boolean" ? back.value === 1 : back.value;
    const written = typeof value === "boolean" ? value : value as number | string;
    return { tag: name, written, status: status.name, readback };
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError(
      "protocol_error",
      "write",
      `Cannot write ${where}: ${(err as Error).message}`,
    );
  }
}
