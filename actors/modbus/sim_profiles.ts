/** Size of every table in a simulated register image; addresses at or past it are illegal. */
export const TABLE_SIZE = 100;

/** The four Modbus tables of a simulated device, zero-based addresses. */
export interface RegisterImage {
  holding: Uint16Array;
  input: Uint16Array;
  coils: Uint8Array;
  discrete: Uint8Array;
}

/** A simulated device: its register image and the function that moves its values on. */
export interface Profile {
  readonly name: ProfileName;
  readonly description: string;
  readonly image: RegisterImage;
  tick(nowMs: number): void;
}

/** Options for a profile: a seed makes the values reproducible, startMs anchors uptime. */
export interface ProfileOptions {
  seed?: number;
  startMs?: number;
}

/** Creates an all-zero register image. */
export function emptyImage(size = TABLE_SIZE): RegisterImage {
  return {
    holding: new Uint16Array(size),
    input: new Uint16Array(size),
    coils: new Uint8Array(size),
    discrete: new Uint8Array(size),
  };
}

/** A small seeded PRNG (mulberry32) returning numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUN_CYCLE_S = 300; // one run/stop cycle every 5 minutes
const STOPPED_S = 30; // of which the compressor stands still for 30 s

/** Parts a second while running: 90 % of the ideal rate of one part every 2 s. */
const PARTS_PER_S = 0.45;
/** The share of parts that are good. */
const GOOD_SHARE = 0.97;

/**
 * Air compressor on a Schneider PLC. HR0 temperature raw (°C / 0.16), HR1 motor current A×10,
 * HR2–3 pressure bar float32 ABCD, IR0 uptime s mod 65536, coil 0 and DI0 run status; HR4–5 the
 * total and HR6–7 the good part counters (uint32 ABCD), counting while it runs (for OEE).
 */
function compressor(opts: ProfileOptions = {}): Profile {
  const rand = seededRandom(opts.seed ?? Date.now());
  const startMs = opts.startMs ?? Date.now();
  const [p1, p2, p3] = [rand(), rand(), rand()].map((r) => r * 2 * Math.PI);
  const cycleOffset = Math.floor(rand() * RUN_CYCLE_S);
  const image = emptyImage();
  const float = new DataView(new ArrayBuffer(4));
  const wave = (t: number, periodS: number, phase: number) =>
    Math.sin((2 * Math.PI * t) / periodS + phase);
  let parts = 0, lastT = 0;
  const tick = (nowMs: number) => {
    const t = Math.max(0, nowMs - startMs) / 1000;
    const running = (t + cycleOffset) % RUN_CYCLE_S < RUN_CYCLE_S - STOPPED_S;
    if (running) parts += Math.max(0, t - lastT) * PARTS_PER_S;
    lastT = t;
    const total = Math.floor(parts), good = Math.floor(parts * GOOD_SHARE);
    image.holding[4] = Math.floor(total / 65536) % 65536;
    image.holding[5] = total % 65536;
    image.holding[6] = Math.floor(good / 65536) % 65536;
    image.holding[7] = good % 65536;
    const temp = 72 + 7 * wave(t, 900, p1) + 3 * wave(t, 137, p2); // 62–82 °C
    const amps = running ? 42 + 2.5 * wave(t, 61, p3) : 0;
    const bar = running ? 7 + 0.4 * wave(t, 45, p3) : 6.2 + 0.2 * wave(t, 45, p3);
    image.holding[0] = Math.round(temp / 0.16);
    image.holding[1] = Math.round(amps * 10);
    float.setFloat32(0, bar); // big-endian: ABCD, high word first
    image.holding[2] = float.getUint16(0);
    image.holding[3] = float.getUint16(2);
    image.input[0] = Math.floor(t) % 65536;
    image.coils[0] = running ? 1 : 0;
    image.discrete[0] = running ? 1 : 0;
  };
  tick(startMs);
  return { name: "compressor", description: "air compressor on a Schneider PLC", image, tick };
}

/** Open Manufacturing Hub demo device: HR0 temperature 280–309, HR1 humidity 700–729, new each tick. */
function seed001(opts: ProfileOptions = {}): Profile {
  const rand = seededRandom(opts.seed ?? Date.now());
  const image = emptyImage();
  const tick = () => {
    image.holding[0] = Math.floor(280 + rand() * 30);
    image.holding[1] = Math.floor(700 + rand() * 30);
  };
  tick();
  return { name: "seed001", description: "Open Manufacturing Hub demo device", image, tick };
}

/** Names of the built-in simulation profiles. */
export type ProfileName = "compressor" | "seed001";

/** Profile factories by name; each call yields an independent register image. */
export const PROFILES: Readonly<Record<ProfileName, (opts?: ProfileOptions) => Profile>> = {
  compressor,
  seed001,
};

/** Tells whether a string names a built-in profile. */
export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}
