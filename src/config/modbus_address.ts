/** The four Modbus data areas and their read function codes. */
export type ModbusArea = "coil" | "discrete" | "input" | "holding";

/** A 0-based register or bit address in one area of one unit. */
export interface ModbusAddress {
  unit: number;
  area: ModbusArea;
  address: number;
}

const AREA_BY_DIGIT: Record<string, ModbusArea> = {
  "0": "coil",
  "1": "discrete",
  "3": "input",
  "4": "holding",
};

/**
 * Parses Neuron/Kepware numbering: `[unit!]AXXXX` (5 digits, offsets 1–9999) or `[unit!]AXXXXX`
 * (6 digits, 1–65536), where A is 0 coil, 1 discrete input, 3 input register, 4 holding register.
 * Returns an error message instead of throwing.
 */
export function parseModbusAddress(text: string, defaultUnit: number): ModbusAddress | string {
  const m = /^(?:(\d{1,3})!)?([0134])(\d{4,5})$/.exec(text.trim());
  if (!m) return `expected "unit!register" such as "1!40001", got "${text}"`;
  const unit = m[1] === undefined ? defaultUnit : Number(m[1]);
  if (unit > 255) return `unit id ${unit} is out of range 0–255 in "${text}"`;
  const offset = Number(m[3]);
  const max = m[3].length === 4 ? 9999 : 65536;
  if (offset < 1 || offset > max) {
    return `register number ${offset} is out of range 1–${max} in "${text}"`;
  }
  return { unit, area: AREA_BY_DIGIT[m[2]], address: offset - 1 };
}
