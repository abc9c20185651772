import assert from "node:assert/strict";
import Modbus from "modbus-serial";
import { startModbusSim } from "./sim_server.ts";

const MBPOLL = "/usr/bin/mbpoll";

// Deno types the CJS default import as the module; modbus-serial also exports itself as `default`.
const ModbusClient = Modbus.default;
type ModbusClient = InstanceType<typeof ModbusClient>;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function connect(port: number, unitId = 1): Promise<ModbusClient> {
  const client = new ModbusClient();
  await client.connectTCP("127.0.0.1", { port });
  client.setID(unitId);
  client.setTimeout(2000);
  return client;
}

function disconnect(client: ModbusClient): Promise<void> {
  return new Promise((resolve) => client.close(() => resolve()));
}

async function modbusCode(op: Promise<unknown>): Promise<number | undefined> {
  const err = await op.then(() => assert.fail("expected a Modbus exception"), (e) => e);
  return (err as { modbusCode?: number }).modbusCode;
}

/** Reads holding registers once with mbpoll (1-based reference). */
async function mbpoll(port: number, ref: number, count: number) {
  const args = ["-m", "tcp", "-a", "1", "-r", `${ref}`, "-c", `${count}`, "-1", "-p", `${port}`];
  const out = await new Deno.Command(MBPOLL, { args: [...args, "127.0.0.1"] }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const values = [...text.matchAll(/^\[\d+\]:\s+(-?\d+)/gm)].map((m) => Number(m[1]));
  return { code: out.code, text, values };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("seed001 serves changing temperature and humidity in range", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "seed001", tickMs: 100 });
  const client = await connect(sim.port);
  try {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const [temp, hum] = (await client.readHoldingRegisters(0, 2)).data;
      assert.ok(temp >= 280 && temp < 310, `temperature ${temp}`);
      assert.ok(hum >= 700 && hum < 730, `humidity ${hum}`);
      seen.add(`${temp}/${hum}`);
      await delay(120);
    }
    assert.ok(seen.size > 1, "values never changed");
  } finally {
    await disconnect(client);
    await sim.close();
  }
});

Deno.test("compressor serves plausible temperature, current, pressure, run status", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "compressor", tickMs: 100 });
  const client = await connect(sim.port);
  try {
    const regs = (await client.readHoldingRegisters(0, 4)).buffer;
    const tempC = regs.readUInt16BE(0) * 0.16;
    assert.ok(tempC >= 60 && tempC <= 85, `temperature ${tempC}`);
    assert.ok(regs.readUInt16BE(2) <= 500, `current ${regs.readUInt16BE(2)}`);
    const bar = regs.readFloatBE(4);
    assert.ok(bar > 5 && bar < 8, `pressure ${bar}`);
    const running = (await client.readCoils(0, 1)).data[0];
    assert.equal(typeof running, "boolean");
    assert.equal((await client.readDiscreteInputs(0, 1)).data[0], running);
    assert.equal((await client.readInputRegisters(0, 1)).data.length, 1); // uptime seconds
  } finally {
    await disconnect(client);
    await sim.close();
  }
});

Deno.test("out-of-range addresses answer exception 2 (illegal data address)", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "compressor" });
  const client = await connect(sim.port);
  try {
    assert.equal(await modbusCode(client.readHoldingRegisters(5000, 1)), 2);
    assert.equal(await modbusCode(client.readHoldingRegisters(98, 5)), 2);
    assert.equal(await modbusCode(client.readInputRegisters(5000, 2)), 2);
    assert.equal(await modbusCode(client.readCoils(5000, 1)), 2);
    assert.equal(await modbusCode(client.readDiscreteInputs(99, 2)), 2);
    assert.equal(await modbusCode(client.writeRegister(5000, 1)), 2);
    assert.equal(await modbusCode(client.writeRegisters(99, [1, 2])), 2);
    assert.equal(await modbusCode(client.writeCoil(5000, true)), 2);
    assert.equal(await modbusCode(client.readHoldingRegisters(0, 126)), 3);
    assert.equal((await client.readHoldingRegisters(99, 1)).data.length, 1); // last one is fine
  } finally {
    await disconnect(client);
    await sim.close();
  }
});

Deno.test("writes (FC5/6/15/16) are read back", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "seed001" });
  const client = await connect(sim.port);
  try {
    await client.writeRegister(10, 4242);
    await client.writeRegisters(20, [1, 2, 65535]);
    assert.deepEqual((await client.readHoldingRegisters(10, 1)).data, [4242]);
    assert.deepEqual((await client.readHoldingRegisters(20, 3)).data, [1, 2, 65535]);
    await client.writeCoil(5, true);
    await client.writeCoils(10, [true, false, true]);
    assert.deepEqual((await client.readCoils(5, 1)).data.slice(0, 1), [true]);
    assert.deepEqual((await client.readCoils(10, 3)).data.slice(0, 3), [true, false, true]);
    assert.equal(sim.profile.image.holding[10], 4242);
  } finally {
    await disconnect(client);
    await sim.close();
  }
});

Deno.test("unitId 0 answers every unit id", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "seed001", unitId: 0 });
  const client = await connect(sim.port, 7);
  try {
    assert.equal((await client.readHoldingRegisters(0, 2)).data.length, 2);
  } finally {
    await disconnect(client);
    await sim.close();
  }
});

Deno.test("a taken port rejects with a clear error", async () => {
  const sim = await startModbusSim({ port: freePort(), profile: "seed001" });
  try {
    await assert.rejects(
      startModbusSim({ port: sim.port, profile: "compressor" }),
      new RegExp(`^Error: Cannot start Modbus simulator on 127\\.0\\.0\\.1:${sim.port}: .+`),
    );
  } finally {
    await sim.close();
  }
});

Deno.test({
  name: "mbpoll, an independent client, reads both profiles and gets the exception",
  async fn() {
    const seed = await startModbusSim({ port: freePort(), profile: "seed001" });
    const comp = await startModbusSim({ port: freePort(), profile: "compressor" });
    try {
      const [temp, hum] = (await mbpoll(seed.port, 1, 2)).values;
      assert.ok(temp >= 280 && temp < 310 && hum >= 700 && hum < 730, `seed001 ${temp} ${hum}`);
      const [raw] = (await mbpoll(comp.port, 1, 2)).values;
      assert.ok(raw * 0.16 >= 60 && raw * 0.16 <= 85, `compressor raw ${raw}`);
      const bad = await mbpoll(seed.port, 5001, 1);
      assert.notEqual(bad.code, 0);
      assert.match(bad.text, /Illegal data address/);
    } finally {
      await seed.close();
      await comp.close();
    }
  },
});
