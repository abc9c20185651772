/** OPC UA built-in types a tag may declare (and the driver reads and writes). */
export const OPCUA_TYPES = [
  "Boolean",
  "SByte",
  "Byte",
  "Int16",
  "UInt16",
  "Int32",
  "UInt32",
  "Int64",
  "UInt64",
  "Float",
  "Double",
  "String",
  "DateTime",
] as const;

export type OpcuaType = typeof OPCUA_TYPES[number];

/** The numeric ones: a subscription's default deadband applies to these only. */
export const NUMERIC_OPCUA_TYPES: ReadonlySet<string> = new Set<string>(
  OPCUA_TYPES.filter((t) => t !== "Boolean" && t !== "String" && t !== "DateTime"),
);

/** Whether a name is one of the built-in types a tag may declare. */
export function isOpcuaType(name: string): name is OpcuaType {
  return (OPCUA_TYPES as readonly string[]).includes(name);
}
