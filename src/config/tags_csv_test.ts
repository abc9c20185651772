import assert from "node:assert/strict";
import { readCsv } from "./csv_table.ts";
import { tagsFromCsv } from "./tags_csv.ts";

Deno.test("tag CSV: one tag per row, Kepware/Neuron column names, access as writable", () => {
  const rows = readCsv(
    "Tag Name,Address,Data Type,Scale,Unit,Client Access,Description\n" +
      "temperature,1!40001,int16,0.1,degC,Read Only,\n" +
      "setpoint,1!40010,uint16,,,Read/Write,target\n",
    "t.csv",
  );
  assert.deepEqual(tagsFromCsv(rows, "modbus"), [
    {
      name: "temperature",
      address: "1!40001",
      type: "int16",
      scale: "0.1",
      unit: "degC",
      writable: false,
    },
    { name: "setpoint", address: "1!40010", type: "uint16", writable: true, description: "target" },
  ]);
});

Deno.test("tag CSV: for an OPC UA device the address is the node id; unknown access kept for the schema", () => {
  const rows = readCsv("name,address,writable\nlight,ns=1;s=Light,maybe\n", "t.csv");
  assert.deepEqual(tagsFromCsv(rows, "opcua"), [
    { name: "light", node_id: "ns=1;s=Light", writable: "maybe" },
  ]);
});
