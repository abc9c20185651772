/**
 * A protobuf message as `protoc --decode_raw` (Debian's protobuf-compiler, an independent
 * decoder that knows no schema) prints it: each field number with its values in order, a value
 * being the printed scalar (a varint in decimal, fixed32/fixed64 as 0x…, a string unquoted) or a
 * nested message.
 */
export type RawMessage = Map<number, RawValue[]>;
export type RawValue = string | RawMessage;

/** Decodes bytes with `protoc --decode_raw`; throws with protoc's error when it cannot. */
export async function decodeRaw(bytes: Uint8Array): Promise<RawMessage> {
  const child = new Deno.Command("protoc", {
    args: ["--decode_raw"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`protoc --decode_raw failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return parseRaw(text);
}

/** Parses protoc's text output (see RawMessage). */
export function parseRaw(text: string): RawMessage {
  const stack: RawMessage[] = [new Map()];
  const add = (m: RawMessage, field: number, v: RawValue) => {
    const list = m.get(field) ?? [];
    list.push(v);
    m.set(field, list);
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line === "}") {
      stack.pop();
      continue;
    }
    const open = line.match(/^(\d+) \{$/);
    if (open) {
      const child: RawMessage = new Map();
      add(stack.at(-1)!, Number(open[1]), child);
      stack.push(child);
      continue;
    }
    const scalar = line.match(/^(\d+): (.*)$/);
    if (!scalar) throw new Error(`protoc output: cannot read line "${line}"`);
    const value = scalar[2].startsWith('"') ? unquote(scalar[2]) : scalar[2];
    add(stack.at(-1)!, Number(scalar[1]), value);
  }
  return stack[0];
}

/** A C-escaped string as protoc prints it, with its quotes. */
function unquote(s: string): string {
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      bytes.push(...new TextEncoder().encode(c));
      continue;
    }
    const n = body[++i];
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, "\\": 92 };
    if (n in simple) bytes.push(simple[n]);
    else if (/[0-7]/.test(n)) {
      const oct = body.slice(i, i + 3).match(/^[0-7]{1,3}/)![0];
      bytes.push(parseInt(oct, 8));
      i += oct.length - 1;
    } else throw new Error(`protoc output: unknown escape \\${n} in ${s}`);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The one value of a field (throws naming it when there is none or several). */
export function one(m: RawMessage, field: number): RawValue {
  const v = m.get(field);
  if (!v || v.length !== 1) throw new Error(`field ${field}: ${v?.length ?? 0} values, not 1`);
  return v[0];
}

/** The one scalar of a field, as printed. */
export function scalar(m: RawMessage, field: number): string {
  const v = one(m, field);
  if (typeof v !== "string") throw new Error(`field ${field} is a message, not a scalar`);
  return v;
}

/** Every nested message of a field. */
export function messages(m: RawMessage, field: number): RawMessage[] {
  return (m.get(field) ?? []).map((v) => {
    if (typeof v === "string") throw new Error(`field ${field} holds a scalar "${v}"`);
    return v;
  });
}

/** A float (fixed32) as protoc prints it, 0x…, as its value. */
export function float32(printed: string): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, parseInt(printed, 16));
  return view.getFloat32(0);
}

/** A double (fixed64) as protoc prints it, 0x…, as its value. */
export function float64(printed: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(printed));
  return view.getFloat64(0);
}
