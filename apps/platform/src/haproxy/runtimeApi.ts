import { connect } from "node:net";

export interface ServerStat {
  /** The slot's server name. */
  readonly server: string;
  /** UP, DOWN, MAINT, DRAIN, "UP 1/2"... as HAProxy reports it. */
  readonly status: string;
  /** Requests it is serving right now. */
  readonly current: number;
  /** Requests it has been sent since HAProxy started. */
  readonly total: number;
  /** Where the slot points (127.0.0.1:port). */
  readonly addr: string;
  /** The last health check's result (L7OK, L4CON...; empty while not checked). */
  readonly check: string;
}

/** Syslog severities 0-3 (emerg..err): the command failed. */
const FAILED = /^\[[0-3]\]: (.*)$/;

/**
 * HAProxy's runtime API over its admin socket. Commands run one connection at a time,
 * in the order they were asked for (a restart's "leave" must never overtake its "enter").
 */
export class RuntimeApi {
  #queue: Promise<unknown> = Promise.resolve();

  readonly socketPath: string;
  constructor(socketPath: string) {
    this.socketPath = socketPath;
  }

  /** Runs the commands in one session; rejects with HAProxy's words if any of them failed. */
  run(...commands: string[]): Promise<string> {
    const next = this.#queue.then(() => this.#send(commands));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** One row per server of `backend`, from `show stat`. */
  async stats(backend: string): Promise<ServerStat[]> {
    const lines = (await this.run("show stat")).split("\n");
    const header = lines.findIndex((l) => l.startsWith("# pxname,"));
    if (header < 0) throw new Error("runtime API: `show stat` answered without its header");
    const columns = (lines[header] as string).slice(2).split(",");
    const rows = lines.slice(header + 1);
    const at = (name: string) => columns.indexOf(name);
    return rows
      .map((row) => row.split(","))
      .filter((f) => f[at("pxname")] === backend && !["FRONTEND", "BACKEND"].includes(f[1] ?? ""))
      .map((f) => ({
        server: f[at("svname")] ?? "",
        status: f[at("status")] ?? "",
        current: Number(f[at("scur")] ?? 0),
        total: Number(f[at("stot")] ?? 0),
        addr: f[at("addr")] ?? "",
        check: f[at("check_status")] ?? "",
      }));
  }

  #send(commands: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      let out = "";
      const socket = connect(this.socketPath);
      socket.setEncoding("utf8");
      socket.setTimeout(5_000, () => socket.destroy(new Error("runtime API: no answer in 5 s")));
      socket.on("data", (chunk: string) => {
        out += chunk;
      });
      socket.on("error", reject);
      socket.on("end", () => {
        const failures = out.split("\n").flatMap((l) => FAILED.exec(l)?.[1] ?? []);
        if (failures.length === 0) resolve(out);
        else reject(new Error(`HAProxy refused "${commands.join("; ")}": ${failures.join("; ")}`));
      });
      socket.end(`set severity-output number; ${commands.join("; ")}\n`);
    });
  }
}
