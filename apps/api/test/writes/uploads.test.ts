import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeDbnBars } from "../../src/providers/databento/dbn.ts";
import { esz3CsvPath } from "../providers/sharedData.ts";
import { startTestCluster, type TestCluster } from "../support/cluster.ts";
import { TOKEN_ENV } from "../support/ops.ts";
import { admin, errorOf, type Sent, send } from "./support.ts";

/**
 * Large uploads on a real instance behind the balancer: chunks stream into Postgres
 * (the instance's memory never holds the upload), finalize verifies size and sha256 over
 * the stored chunks, and the processing job verifies again and counts market-data bars.
 */
let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster("uploads", { instances: 1, env: TOKEN_ENV });
});
afterAll(async () => {
  await c?.close();
});

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const create = (file: Uint8Array, extra: Record<string, unknown> = {}) =>
  send(`${c.url}/api/uploads`, "POST", {
    filename: "data.bin",
    contentType: "application/octet-stream",
    size: file.length,
    sha256: sha(file),
    ...extra,
  });
const idOf = (s: Sent) => (s.body as { id: string }).id;
const putChunk = (id: string, n: number, bytes: Uint8Array, headers: Record<string, string> = {}) =>
  send(`${c.url}/api/uploads/${id}/chunks/${n}`, "PUT", bytes, headers);
const finalize = (id: string, base = c.url) => send(`${base}/api/uploads/${id}/finalize`, "POST");
const view = async (id: string) =>
  (await send(`${c.url}/api/uploads/${id}`, "GET")).body as UploadView;
interface UploadView {
  status: string;
  chunks: { count: number; bytes: number };
  job: { id: string; status: string; result: Record<string, unknown> | null } | null;
}
/** Uploads a whole file in chunks of `size`, in order; answers each chunk's status. */
const upload = async (file: Uint8Array, size: number, each?: () => Promise<void>) => {
  const id = idOf(await create(file));
  for (let n = 0; n * size < file.length; n++) {
    const answer = await putChunk(id, n, file.subarray(n * size, (n + 1) * size));
    expect(answer.status, `chunk ${n}`).toBe(201);
    await each?.();
  }
  return id;
};
const processed = async (id: string): Promise<UploadView> => {
  for (let i = 0; i < 600; i++) {
    const v = await view(id);
    if (v.job?.status === "completed" || v.job?.status === "failed") return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`upload ${id} was not processed`);
};
const rss = async () => {
  const h = await send(`${c.instanceUrl("i1")}/ops/health`, "GET", undefined, admin);
  return (h.body as { memory: { rss: number } }).memory.rss;
};

describe("a 30 MB upload, streamed", () => {
  it("goes through the balancer in 1 MiB chunks without the instance's rss growing by the upload's size; finalize verifies its sha256; the job verifies again", async () => {
    const chunk = 1 * MiB;
    // Warm up: the same code paths once, so buffers the process keeps are already there.
    const warm = randomBytes(4 * chunk);
    const warmId = await upload(warm, chunk);
    expect((await finalize(warmId)).status).toBe(202);
    await processed(warmId);

    const file = randomBytes(30 * MiB);
    const before = await rss();
    let peak = before;
    const id = await upload(file, chunk, async () => {
      peak = Math.max(peak, await rss());
    });
    // Chunks stream into Postgres piece by piece, so even UPLOAD_CHUNK_SLOTS (4) chunks in
    // flight at once, each held whole twice over, would stay under 8 chunks. Holding the
    // upload would add its 30 MiB.
    expect(peak - before).toBeLessThan(4 * 2 * chunk);

    const done = await finalize(id);
    expect(done.status).toBe(202);
    expect(done.body).toMatchObject({
      uploadId: id,
      status: "finalized",
      size: file.length,
      sha256: sha(file),
    });
    const v = await processed(id);
    expect(v.status).toBe("finalized");
    expect(v.chunks).toEqual({ count: 30, bytes: file.length });
    expect(v.job?.status).toBe("completed");
    expect(v.job?.result).toMatchObject({
      uploadId: id,
      verified: true,
      problems: [],
      bytes: file.length,
      chunks: 30,
      sha256: sha(file),
      marketData: null,
    });
  });
});

describe("market data", () => {
  it("the job decodes a Databento CSV and a zstd DBN file and counts their bars", async () => {
    const csv = readFileSync(esz3CsvPath);
    const replay = c.replay;
    if (!replay) throw new Error("the cluster runs the replay upstream");
    // A real week of ESZ3 as DBN (zstd), exactly as Databento's historical API serves it.
    const res = await fetch(`${replay.url}/v0/timeseries.get_range`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${replay.apiKey}:`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        dataset: "GLBX.MDP3",
        symbols: "ESZ3",
        schema: "ohlcv-1m",
        start: "2013-10-06T22:00:00Z",
        end: "2013-10-11T21:15:00Z",
        encoding: "dbn",
        compression: "zstd",
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const dbnZst = Buffer.from(await res.arrayBuffer());
    const { zstdDecompressSync } = await import("node:zlib");
    const dbnBars = decodeDbnBars(zstdDecompressSync(dbnZst)).length;
    expect(dbnBars).toBeGreaterThan(6000);
    for (const [file, format, bars, size] of [
      [csv, "csv", 6826, 64 * 1024],
      [dbnZst, "dbn.zst", dbnBars, 4099],
    ] as const) {
      const id = await upload(file, size);
      expect((await finalize(id)).status).toBe(202);
      const v = await processed(id);
      expect(v.job?.result).toMatchObject({
        verified: true,
        marketData: { format, bars, firstBarAt: "2013-10-06T22:00:00.000Z" },
      });
    }
  });
});

describe("chunks", () => {
  const file = Buffer.from("0123456789abcdef");

  it("a retried chunk is a duplicate; other bytes under its number are 409 with both hashes", async () => {
    const id = idOf(await create(file));
    const a = file.subarray(0, 8);
    expect((await putChunk(id, 0, a)).status).toBe(201);
    const again = await putChunk(id, 0, a);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ n: 0, outcome: "duplicate", sha256: sha(a) });
    const other = Buffer.from("XXXXXXXX");
    const clash = await putChunk(id, 0, other);
    expect(clash.status).toBe(409);
    expect(errorOf(clash)).toMatchObject({
      code: "CHUNK_CONFLICT",
      n: 0,
      storedSha256: sha(a),
      sentSha256: sha(other),
    });
  });

  it("a chunk over the cap is 413 with the limit, by its length or while it streams; a wrong x-chunk-sha256 is 422", async () => {
    const big = new Uint8Array(8 * MiB + 1);
    const id = idOf(await create(big));
    const over = await putChunk(id, 0, big);
    expect(over.status).toBe(413);
    expect(errorOf(over)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limit: 8 * MiB });
    const streamed = await fetch(`${c.instanceUrl("i1")}/api/uploads/${id}/chunks/0`, {
      method: "PUT",
      body: new ReadableStream({
        start(ctrl) {
          for (let i = 0; i < 9; i++) ctrl.enqueue(new Uint8Array(MiB));
          ctrl.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const bad = await putChunk(id, 0, file, { "x-chunk-sha256": sha(Buffer.from("other")) });
    expect(bad.status).toBe(422);
    expect(errorOf(bad).fields).toEqual([
      { field: "body", message: expect.stringContaining(sha(file)) },
    ]);
    expect((await view(id)).chunks.count).toBe(0);
  });

  it("unknown uploads are 404; malformed ids and chunk numbers 400; a finalized upload takes no new chunk", async () => {
    const none = "00000000-0000-4000-8000-000000000000";
    expect((await putChunk(none, 0, file)).status).toBe(404);
    expect((await finalize(none)).status).toBe(404);
    expect((await send(`${c.url}/api/uploads/${none}`, "GET")).status).toBe(404);
    expect((await putChunk("nope", 0, file)).status).toBe(400);
    const id = idOf(await create(file));
    expect((await putChunk(id, -1, file)).status).toBe(400);
    expect((await putChunk(id, 0, file)).status).toBe(201);
    expect((await finalize(id)).status).toBe(202);
    const late = await putChunk(id, 1, file);
    expect(late.status).toBe(409);
    expect(errorOf(late).code).toBe("UPLOAD_FINALIZED");
  });
});

describe("finalize verifies", () => {
  it("a chunk corrupted on the way makes finalize 422 with the fields; nothing is enqueued", async () => {
    const file = randomBytes(3000);
    const id = idOf(await create(file));
    const corrupted = Buffer.from(file.subarray(1000, 2000));
    corrupted[17] = (corrupted[17] ?? 0) ^ 0xff;
    await putChunk(id, 0, file.subarray(0, 1000));
    await putChunk(id, 1, corrupted);
    await putChunk(id, 2, file.subarray(2000));
    const answer = await finalize(id);
    expect(answer.status).toBe(422);
    expect(errorOf(answer)).toMatchObject({
      code: "UPLOAD_INVALID",
      fields: [{ field: "sha256", message: expect.stringContaining(sha(file)) }],
    });
    expect((await view(id)).status).toBe("open");
    const [jobs] = await c.db
      .sql`select count(*)::int as n from jobs where payload->>'uploadId' = ${id}`;
    expect(jobs?.n).toBe(0);
  });

  it("bytes corrupted at rest name their chunk; a missing chunk and a short upload are named too", async () => {
    const file = randomBytes(3000);
    const id = await upload(file, 1000);
    await c.db.sql`
      update upload_chunks set bytes = overlay(bytes placing decode('00', 'hex') from 5)
       where upload_id = ${id} and n = 1`;
    const rotten = await finalize(id);
    expect(rotten.status).toBe(422);
    expect(errorOf(rotten).fields).toEqual([
      { field: "chunks.1", message: expect.stringContaining("no longer match") },
      { field: "sha256", message: expect.any(String) },
    ]);
    const gap = idOf(await create(file));
    await putChunk(gap, 0, file.subarray(0, 1000));
    await putChunk(gap, 2, file.subarray(2000));
    const holes = await finalize(gap);
    expect(holes.status).toBe(422);
    expect(errorOf(holes).fields).toEqual([
      { field: "chunks", message: "missing chunk 1" },
      { field: "size", message: "declared 3000 bytes, chunks hold 2000" },
      { field: "sha256", message: expect.any(String) },
    ]);
  });

  it("create is strict: unknown fields 400, a declared size over the limit 413 with it", async () => {
    const extra = await create(Buffer.from("x"), { owner: "me" });
    expect(extra.status).toBe(400);
    expect(errorOf(extra).fields).toEqual([{ field: "owner", message: expect.any(String) }]);
    const huge = await send(`${c.url}/api/uploads`, "POST", {
      filename: "huge.bin",
      contentType: "application/octet-stream",
      size: 2 * 1024 ** 3,
      sha256: "0".repeat(64),
    });
    expect(huge.status).toBe(413);
    expect(errorOf(huge)).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limit: 1024 ** 3 });
  });
});
