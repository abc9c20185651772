import { parse } from "csv-parse/sync";

/** One data row of a CSV file: its cells by column name, and its line in the file. */
export interface CsvRow {
  line: number;
  cells: Record<string, string>;
}

/**
 * Reads CSV text with a header row (column names lower-cased and trimmed); blank lines and lines
 * starting with # are skipped. A malformed file is an Error naming the file and the line.
 */
export function readCsv(text: string, file: string): CsvRow[] {
  try {
    const records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      comment: "#",
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as { record: Record<string, string>; info: { lines: number } }[];
    return records.map((r) => ({ line: r.info.lines, cells: r.record }));
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new Error(`${file}${line ? ` line ${line}` : ""}: ${(err as Error).message}`);
  }
}
