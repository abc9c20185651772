import { GatewayError } from "../../model/errors.ts";
import type { Command } from "../messages.ts";

/** A tag a driver can be asked to write: its name and whether config allows writing it. */
export interface WritableTag {
  cfg: { name: string; writable: boolean };
}

/** A device's tags by name, as a write looks them up. */
export interface TagsByName<T> {
  get(name: string): T | undefined;
}

/**
 * A device's tags by name, indexed on the first look-up: writes are rare, and a fleet of a
 * thousand devices would otherwise hold a thousand maps for them.
 */
export function tagsByName<T extends WritableTag>(tags: readonly T[]): TagsByName<T> {
  let index: Map<string, T> | undefined;
  return {
    get: (name) => (index ??= new Map(tags.map((t) => [t.cfg.name, t]))).get(name),
  };
}

/** A write command checked against the device's tags: the tag, the value, `device.tag` for errors. */
export interface WriteTarget<T, C> {
  tag: T;
  /** The device's connection, there when the checks pass. */
  connection: C;
  name: string;
  where: string;
  value: unknown;
}

/** A write refused for good (bad value, unknown tag, read-only tag): the message names the tag. */
export function writeRefused(where: string, why: string): GatewayError {
  return new GatewayError("rejected", "write", `Cannot write ${where}: ${why}`);
}

/**
 * The checks every driver makes before writing: the command is a write, the tag exists, config
 * marks it writable, and the device is connected. Throws the refusal, naming device and tag.
 */
export function writeTarget<T extends WritableTag, C>(
  kind: string,
  device: string,
  tags: TagsByName<T>,
  command: Command,
  connection: C | undefined,
): WriteTarget<T, C> {
  if (command.op !== "write") {
    throw writeRefused(device, `unknown command "${command.op}" (${kind} takes "write")`);
  }
  const name = String(command.tag);
  const where = `${device}.${name}`;
  const tag = tags.get(name);
  if (!tag) throw writeRefused(where, "no such tag");
  if (!tag.cfg.writable) throw writeRefused(where, "the tag is not writable");
  if (connection === undefined) {
    throw new GatewayError("connection_failed", "write", `Cannot write ${where}: not connected`);
  }
  return { tag, connection, name, where, value: command.value };
}
