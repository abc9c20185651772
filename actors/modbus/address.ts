/** The four Modbus data areas and their read function codes. */
export type ModbusArea = "coil" | "discrete" | "input" | "holding";

/** A 0-based register or bit address in one area of one unit; `bit` picks one bit of a register. */
export interface ModbusAddress {
  unit: number;
  area: ModbusArea;
  address: number;
  bit?: number;
}

const AREA_BY_DIGIT: Record<string, ModbusArea> = {
  "0": "coil",
  "1": "discrete",
  "3": "input",
  "4": "holding",
};

/**
 * Parses Neuron/Kepware numbering: `[unit!]AXXXX[.bit]` (5 digits, offsets 1–9999) or
 * `[unit!]AXXXXX[.bit]` (6 digits, 1–65536), where A is 0 coil, 1 discrete input, 3 input
 * register, 4 holding register, and `.bit` (0–15) names one bit of a register.
 * Returns an error message instead of throwing.
 */
export function parseModbusAddress(text: string, defaultUnit: number): ModbusAddress | string {
  const m = /^(?:(\d{1,3})!)?([0134])(\d{4,5})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return `expected "unit!register" such as "1!40001", got "${text}"`;
  const unit = m[1] === undefined ? defaultUnit : Number(m[1]);
  if (unit > 255) return `unit id ${unit} is out of range 0–255 in "${text}"`;
  const offset = Number(m[3]);
  const max = m[3].length === 4 ? 9999 : 65536;
  if (offset < 1 || offset > max) {
    return `register number ${offset} is out of range 1–${max} in "${text}"`;
  }
  const address: ModbusAddress = { unit, area: AREA_BY_DIGIT[m[2]], address: offset - 1 };
  if (m[4] !== undefined) {
    const bit = Number(m[4]);
    if (bit > 15) return `bit ${bit} is out of range 0–15 in "${text}"`;
    address.bit = bit;
  }
  return address;
}
