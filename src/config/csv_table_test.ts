import assert from "node:assert/strict";
import { readCsv } from "./csv_table.ts";

Deno.test("CSV rows keep their line numbers; header names are lower-cased; comments skipped", () => {
  const rows = readCsv(
    "Name, Host ,port\n# a comment\n\npress01,10.0.0.1,502\npress02,10.0.0.2,503\n",
    "p.csv",
  );
  assert.deepEqual(rows, [
    { line: 4, cells: { name: "press01", host: "10.0.0.1", port: "502" } },
    { line: 5, cells: { name: "press02", host: "10.0.0.2", port: "503" } },
  ]);
});

Deno.test("a malformed CSV line is an error naming the file and the line", () => {
  assert.throws(
    () => readCsv('name,host\npress01,10.0.0.1\npress02,"10.0.0.2\n', "p.csv"),
    /p\.csv line 3/,
  );
  assert.throws(() => readCsv("name,host\npress01,10.0.0.1,extra\n", "p.csv"), /p\.csv line 2/);
});
