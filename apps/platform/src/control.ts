import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { HEADERS } from "@scaleproof/core/wire/headers";
import { z } from "zod";
import { DEPENDENCIES, type Dependency, type RestartWindow } from "./restart.ts";

export interface ControlTarget {
  limit(n: number | null): Promise<void>;
  instances(): Promise<unknown>;
  /** Starts one more instance and puts it into rotation; its id. */
  add(): Promise<string>;
  /** Drains one instance in the balancer, then stops it with SIGTERM (a graceful scale-in). */
  stop(instanceId: string): Promise<"stopped" | "unknown" | "last">;
  /** Restarts a dependency it was told it may restart; undefined when it may not. */
  restart(name: Dependency, downMs: number): Promise<RestartWindow> | undefined;
}

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1_024;

const limitBody = z.strictObject({
  /** Balance over the first n instances; null: all of them. */
  instances: z.int().min(1).max(1_000).nullable(),
});

const restartBody = z.strictObject({
  /** How long the dependency stays down before it is started again. */
  downMs: z.int().min(0).max(60_000),
});

type Answer = readonly [status: number, body: unknown];

const problem = (status: number, code: string, message: string, fields?: unknown): Answer => [
  status,
  { error: { code, message, ...(fields === undefined ? {} : { fields }) } },
];

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * The platform's control API for its own instances (the scale-test runner's "1 vs all
 * instances"): 127.0.0.1 only, and every route wants the cluster's token, which only
 * its instances are given.
 *   POST /limit {"instances": n | null}   balance over the first n instances / all
 *   GET  /instances                       the supervisor's and the balancer's view
 *   POST /instances                       scale out: one more instance, in rotation
 *   DELETE /instances/:id                 scale in: drain, then SIGTERM (never the last one)
 *   POST /services/:name/restart {"downMs"}  stop redis|postgres, wait, start; answers once it
 *                                         accepts connections (only those it was told it may)
 */
export const startControlServer = async (
  target: ControlTarget,
  token: string,
): Promise<ControlServer> => {
  const expected = digest(token);
  const authorised = (req: IncomingMessage) => {
    const given = req.headers[HEADERS.controlToken];
    return typeof given === "string" && timingSafeEqual(digest(given), expected);
  };
  const route = async (req: IncomingMessage): Promise<Answer> => {
    if (!authorised(req))
      return problem(403, "FORBIDDEN", "cluster control needs the cluster's token");
    const path = new URL(req.url ?? "/", "http://control").pathname;
    if (req.method === "GET" && path === "/instances") return [200, await target.instances()];
    if (req.method === "POST" && path === "/instances") {
      return [201, { instanceId: await target.add() }];
    }
    const stop = /^\/instances\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (req.method === "DELETE" && stop?.[1]) {
      const outcome = await target.stop(stop[1]);
      if (outcome === "unknown") return problem(404, "NOT_FOUND", `no instance ${stop[1]}`);
      if (outcome === "last") {
        return problem(409, "CONFLICT", `${stop[1]} is the last instance; it is not stopped`);
      }
      return [200, { stopped: stop[1] }];
    }
    const service = /^\/services\/([a-z]{1,32})\/restart$/.exec(path)?.[1];
    if (req.method === "POST" && service !== undefined) {
      const name = DEPENDENCIES.find((d) => d === service);
      if (!name) return problem(404, "NOT_FOUND", `no service ${service} (redis, postgres)`);
      const body = await parsed(req, restartBody);
      if (!body.ok) return body.answer;
      const window = target.restart(name, body.data.downMs);
      if (!window) {
        return problem(409, "NOT_RESTARTABLE", `the platform was not told it may restart ${name}`);
      }
      return [200, await window];
    }
    if (req.method === "POST" && path === "/limit") {
      const body = await parsed(req, limitBody);
      if (!body.ok) return body.answer;
      await target.limit(body.data.instances);
      return [200, { limit: body.data.instances }];
    }
    return problem(404, "NOT_FOUND", `no route ${req.method} ${path}`);
  };
  const server = createServer((req, res) => {
    route(req).then(
      ([status, body]) => send(res, status, body),
      (error: unknown) =>
        send(res, 500, problem(500, "INTERNAL", error instanceof Error ? error.message : "")[1]),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** The body validated by `schema`, or the problem answer that refuses it. */
const parsed = async <T>(
  req: IncomingMessage,
  schema: z.ZodType<T>,
): Promise<{ ok: true; data: T } | { ok: false; answer: Answer }> => {
  const raw = await readBody(req);
  const refuse = (answer: Answer) => ({ ok: false, answer }) as const;
  if (raw === undefined) {
    return refuse(problem(413, "PAYLOAD_TOO_LARGE", `body over ${MAX_BODY_BYTES} bytes`));
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    const fields = [{ field: "(body)", message: "not JSON" }];
    return refuse(problem(400, "BAD_REQUEST", "body must be JSON", fields));
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, data: r.data };
  const fields = r.error.issues.map((i) => ({
    field: i.path.join(".") || "(body)",
    message: i.message,
  }));
  return refuse(problem(400, "BAD_REQUEST", "invalid input", fields));
};

/** The body as text, or undefined once it passes the limit (the rest is not read). */
const readBody = (req: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};
