import type { CsvRow } from "./csv_table.ts";

/** Column names of Kepware's and Neuron's tag exports, as the gateway's tag fields. */
const ALIASES: Record<string, string> = {
  "tag name": "name",
  "data type": "type",
  "client access": "writable",
  access: "writable",
  attribute: "writable",
  nodeid: "node_id",
  "node id": "node_id",
};

/** A CSV access cell as `writable`: read/write forms true, read-only forms false, else as is. */
function access(cell: string): boolean | string {
  const v = cell.toLowerCase().replace(/\s+/g, " ");
  if (/write|^(rw|w|yes|true|1)$/.test(v)) return true;
  if (/^(ro|r|read|read only|readonly|no|false|0)$/.test(v)) return false;
  return cell;
}

/**
 * Tags from the rows of a tag CSV (columns name, address, type, scale, unit, writable,
 * description, or any other tag field): one tag per row, empty cells left out. For an OPC UA
 * device `address` is the node id. The device's schema checks the values.
 */
export function tagsFromCsv(rows: CsvRow[], kind: unknown): Record<string, unknown>[] {
  return rows.map(({ cells }) => {
    const tag: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(cells)) {
      if (cell === "") continue;
      let field = ALIASES[column] ?? column.replace(/\s+/g, "_");
      if (field === "address" && kind === "opcua" && !("node_id" in cells)) field = "node_id";
      tag[field] = field === "writable" ? access(cell) : cell;
    }
    return tag;
  });
}
