import { setTimeout as sleep } from "node:timers/promises";
import type { Rotation } from "../supervisor.ts";
import { BACKEND, serverName } from "./config.ts";
import type { Haproxy } from "./process.ts";

interface Member {
  readonly server: string;
  up: boolean;
  draining: boolean;
  pinned: boolean;
}

export interface MemberView {
  readonly instanceId: string;
  readonly server: string;
  /** As HAProxy reports it: UP, DOWN, DRAIN, MAINT... */
  readonly status: string;
  /** Requests in flight on it. */
  readonly current: number;
  /** Requests it was sent since the balancer started. */
  readonly total: number;
  /** The last health check's result (L7OK when it answered 200). */
  readonly check: string;
}

/** Instance ids go into runtime API commands and the pin map as they are. */
const SAFE_ID = /^[\w.:-]{1,64}$/;
const DRAIN_DEADLINE_MS = 10_000;

/**
 * Who is in HAProxy's rotation, driven through its runtime API. Each instance gets one of
 * the pre-declared slots for its lifetime (restarts keep it; the address changes with
 * each boot). `limit(n)` narrows balancing to the first n instances (the scaling
 * check's "1 instance"); the others are drained, not stopped, and pinned requests still
 * reach them.
 */
export class Balancer implements Rotation {
  readonly #members = new Map<string, Member>();
  readonly #free: string[];
  #limit: number | null = null;

  private readonly haproxy: Haproxy;
  constructor(haproxy: Haproxy, slots: number) {
    this.haproxy = haproxy;
    this.#free = Array.from({ length: slots }, (_, i) => serverName(i + 1));
  }

  get url(): string {
    return this.haproxy.url;
  }

  get pid(): number {
    return this.haproxy.pid;
  }

  /** Its config file (the folder also holds its admin socket and pin map). */
  get configPath(): string {
    return this.haproxy.configPath;
  }

  get limited(): number | null {
    return this.#limit;
  }

  async admit(instanceId: string): Promise<void> {
    await this.#join(instanceId);
  }

  async enter(instanceId: string, port: number): Promise<void> {
    const member = await this.#join(instanceId);
    member.up = true;
    const server = `${BACKEND}/${member.server}`;
    // It just said it listens: that beats a failed check from its previous boot.
    await this.haproxy.api.run(
      `set server ${server} addr 127.0.0.1 port ${port}`,
      `set server ${server} health up`,
      `set server ${server} state ${this.#stateOf(instanceId)}`,
    );
  }

  async leave(instanceId: string): Promise<void> {
    const member = this.#members.get(instanceId);
    if (!member) return;
    member.up = false;
    await this.#apply(instanceId);
  }

  async drain(instanceId: string): Promise<void> {
    const member = this.#members.get(instanceId);
    if (!member) return;
    member.draining = true;
    await this.#unpin(instanceId, member);
    await this.#apply(instanceId);
    const deadline = Date.now() + DRAIN_DEADLINE_MS;
    while (Date.now() < deadline) {
      const row = (await this.haproxy.api.stats(BACKEND)).find((s) => s.server === member.server);
      if (!row || row.current === 0) return;
      await sleep(50);
    }
  }

  async forget(instanceId: string): Promise<void> {
    const member = this.#members.get(instanceId);
    if (!member) return;
    this.#members.delete(instanceId);
    await this.#unpin(instanceId, member);
    await this.haproxy.api.run(`set server ${BACKEND}/${member.server} state maint`);
    this.#free.unshift(member.server);
  }

  /** Balances over the first `n` instances only (null: all of them). */
  async limit(n: number | null): Promise<void> {
    this.#limit = n;
    for (const instanceId of this.#members.keys()) await this.#apply(instanceId);
  }

  async view(): Promise<MemberView[]> {
    const stats = await this.haproxy.api.stats(BACKEND);
    return [...this.#members].map(([instanceId, m]) => {
      const row = stats.find((s) => s.server === m.server);
      return {
        instanceId,
        server: m.server,
        status: row?.status ?? "unknown",
        current: row?.current ?? 0,
        total: row?.total ?? 0,
        check: row?.check ?? "",
      };
    });
  }

  stop(): Promise<void> {
    return this.haproxy.stop();
  }

  async #join(instanceId: string): Promise<Member> {
    const known = this.#members.get(instanceId);
    if (known) return known;
    if (!SAFE_ID.test(instanceId))
      throw new Error(`instance id ${JSON.stringify(instanceId)}: letters, digits, . : _ - only`);
    const server = this.#free.shift();
    if (!server) throw new Error("every balancer slot is taken; start the platform with more");
    const member: Member = { server, up: false, draining: false, pinned: false };
    this.#members.set(instanceId, member);
    await this.haproxy.api.run(`add map ${this.haproxy.pinMapPath} ${instanceId} ${server}`);
    member.pinned = true;
    return member;
  }

  async #unpin(instanceId: string, member: Member): Promise<void> {
    if (!member.pinned) return;
    member.pinned = false;
    await this.haproxy.api.run(`del map ${this.haproxy.pinMapPath} ${instanceId}`);
  }

  #stateOf(instanceId: string): "ready" | "drain" | "maint" {
    const member = this.#members.get(instanceId);
    if (!member?.up) return "maint";
    if (member.draining) return "drain";
    const rank = [...this.#members.keys()].indexOf(instanceId);
    return this.#limit !== null && rank >= this.#limit ? "drain" : "ready";
  }

  #apply(instanceId: string): Promise<string> {
    const member = this.#members.get(instanceId);
    if (!member) return Promise.resolve("");
    return this.haproxy.api.run(
      `set server ${BACKEND}/${member.server} state ${this.#stateOf(instanceId)}`,
    );
  }
}
