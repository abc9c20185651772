import assert from "node:assert/strict";
import {
  AttributeIds,
  type ClientSession,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
} from "node-opcua";
import { startOpcuaSim } from "./sim_server.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Runs `fn` in a session of a bare node-opcua client with its own PKI in `dir`. */
async function withSession(
  endpoint: string,
  dir: string,
  fn: (s: ClientSession) => Promise<void>,
  opts: { user?: [string, string]; secure?: boolean } = {},
): Promise<void> {
  const manager = new OPCUACertificateManager({
    rootFolder: `${dir}/client`,
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
  });
  const client = OPCUAClient.create({
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
    clientCertificateManager: manager,
    ...(opts.secure
      ? {
        securityMode: MessageSecurityMode.SignAndEncrypt,
        securityPolicy: SecurityPolicy.Aes256_Sha256_RsaPss,
      }
      : {}),
  });
  try {
    await client.connect(endpoint);
    const session = await client.createSession(
      opts.user
        ? { type: UserTokenType.UserName, userName: opts.user[0], password: opts.user[1] }
        : undefined,
    );
    try {
      await fn(session);
    } finally {
      await session.close();
    }
  } finally {
    await client.disconnect();
    await manager.dispose();
  }
}

const read = async (s: ClientSession, name: string) =>
  await s.read({ nodeId: `ns=1;s=${name}`, attributeId: AttributeIds.Value });

Deno.test("opcua sim: compressor2 values move plausibly; the signal light takes writes, sensors do not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-sim-" });
  const sim = await startOpcuaSim({ port: freePort(), pkiDir: `${dir}/sim`, tickMs: 50 });
  try {
    await withSession(sim.endpoint, dir, async (s) => {
      const temps = new Set<number>();
      for (let i = 0; i < 6; i++) {
        const t = await read(s, "Compressor2.Temperature");
        assert.equal(t.value.dataType, DataType.Double);
        assert.ok(t.value.value > 20 && t.value.value < 100, `temperature ${t.value.value}`);
        temps.add(t.value.value);
        await new Promise((r) => setTimeout(r, 60));
      }
      assert.ok(temps.size > 1, "temperature never changed");
      const current = (await read(s, "Compressor2.MotorCurrent")).value.value;
      const running = (await read(s, "Compressor2.RunStatus")).value.value;
      assert.equal(typeof running, "boolean");
      assert.ok(running ? current > 30 && current < 55 : current === 0, `current ${current}`);
      const vibration = (await read(s, "Compressor2.Vibration")).value.value;
      assert.ok(vibration >= 0 && vibration < 10, `vibration ${vibration}`);

      const write = (name: string, dataType: DataType, value: unknown) =>
        s.write({
          nodeId: `ns=1;s=${name}`,
          attributeId: AttributeIds.Value,
          value: { value: { dataType, value } },
        });
      assert.equal((await write("Compressor2.SignalLight", DataType.Boolean, true)).name, "Good");
      assert.equal((await read(s, "Compressor2.SignalLight")).value.value, true);
      assert.equal(
        (await write("Compressor2.Temperature", DataType.Double, 1)).name,
        "BadNotWritable",
      );
      const [high, low] = (await read(s, "Types.Int64")).value.value as number[];
      assert.equal(BigInt.asIntN(64, (BigInt(high) << 32n) | BigInt(low)), -1234567890123n);
    });
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("opcua sim: SignAndEncrypt with a username; a wrong password is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-sim-" });
  const sim = await startOpcuaSim({
    port: freePort(),
    pkiDir: `${dir}/sim`,
    users: { operator: "s3cret" },
  });
  try {
    await withSession(sim.endpoint, dir, async (s) => {
      assert.equal((await read(s, "Compressor2.SignalLight")).value.value, false);
    }, { user: ["operator", "s3cret"], secure: true });
    await assert.rejects(
      withSession(sim.endpoint, dir, () => Promise.resolve(), {
        user: ["operator", "wrong"],
        secure: true,
      }),
      /BadUserAccessDenied|BadIdentityTokenRejected/,
    );
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("opcua sim: a fault makes every variable bad and still; clearing it makes them good", async () => {
  const dir = await Deno.makeTempDir({ prefix: "opcua-sim-" });
  const sim = await startOpcuaSim({ port: freePort(), pkiDir: `${dir}/sim`, tickMs: 50 });
  try {
    assert.throws(() => sim.fault("Good"), /"Good" is not a Bad status code/);
    assert.throws(() => sim.fault("NoSuchStatus"), /"NoSuchStatus" is not a Bad status code/);
    await withSession(sim.endpoint, dir, async (s) => {
      sim.fault("BadDeviceFailure");
      const first = await read(s, "Compressor2.Temperature");
      assert.equal(first.statusCode.name, "BadDeviceFailure");
      assert.equal((await read(s, "Types.Int16")).statusCode.name, "BadDeviceFailure");
      await new Promise((r) => setTimeout(r, 150)); // three ticks: nothing may change meanwhile
      const later = await read(s, "Compressor2.Temperature");
      assert.equal(later.statusCode.name, "BadDeviceFailure");
      assert.equal(later.sourceTimestamp?.getTime(), first.sourceTimestamp?.getTime());
      sim.fault();
      assert.equal((await read(s, "Compressor2.Temperature")).statusCode.name, "Good");
    });
  } finally {
    await sim.close();
    await Deno.remove(dir, { recursive: true });
  }
});
