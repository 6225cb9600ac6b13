import { createZstdDecompress } from "node:zlib";
import type { Bar } from "@scaleproof/core/bars/types";
import { parseOhlcvCsv } from "../providers/databento/csv.ts";
import { decodeDbnBars } from "../providers/databento/dbn.ts";
import { DBN_PRELUDE_LEN } from "../providers/databento/dbnMetadata.ts";
import { isZstd } from "../providers/databento/zstd.ts";

export interface MarketDataSummary {
  readonly format: "csv" | "dbn" | "dbn.zst";
  readonly bars: number;
  readonly firstBarAt: string | null;
  readonly lastBarAt: string | null;
  /** Why decoding stopped (bars counts what decoded before it), if it did. */
  readonly error?: string;
}

/** Feeds decoded bars somewhere; `finish` says the input ended. */
interface Sink {
  push(bytes: Uint8Array): void;
  finish(): void;
}

/**
 * Counts the bars of a Databento file as it streams past, one chunk at a time, with the
 * provider's own decoders (CSV, DBN, zstd-compressed DBN): the file is never whole in
 * memory. The format comes from the first bytes (zstd or DBN magic, or a CSV header line);
 * anything else is not market data (null).
 */
export class BarCounter {
  #head = Buffer.alloc(0);
  #format: MarketDataSummary["format"] | "other" | undefined;
  #sink: Sink | undefined;
  #zstd: ReturnType<typeof createZstdDecompress> | undefined;
  #zstdDone: Promise<void> | undefined;
  #bars = 0;
  #first: bigint | undefined;
  #last: bigint | undefined;
  #error: string | undefined;

  async push(bytes: Uint8Array): Promise<void> {
    if (this.#format === undefined) {
      this.#head = Buffer.concat([this.#head, bytes]);
      if (this.#head.length < 8) return;
      this.#start(this.#head);
      bytes = this.#head;
      this.#head = Buffer.alloc(0);
    }
    await this.#feed(bytes);
  }

  async finish(): Promise<MarketDataSummary | null> {
    if (this.#format === undefined && this.#head.length > 0) {
      this.#start(this.#head);
      await this.#feed(this.#head);
    }
    if (this.#format === undefined || this.#format === "other") return null;
    if (this.#zstd) {
      this.#zstd.end();
      await this.#zstdDone;
    }
    this.#guard(() => this.#sink?.finish());
    const iso = (ts: bigint | undefined) =>
      ts === undefined ? null : new Date(Number(ts / 1_000_000n)).toISOString();
    return {
      format: this.#format,
      bars: this.#bars,
      firstBarAt: iso(this.#first),
      lastBarAt: iso(this.#last),
      ...(this.#error ? { error: this.#error } : {}),
    };
  }

  #start(head: Buffer): void {
    const onBars = (bars: readonly Bar[]) => {
      for (const b of bars) {
        this.#first ??= b.tsEvent;
        this.#last = b.tsEvent;
      }
      this.#bars += bars.length;
    };
    if (isZstd(head)) {
      this.#format = "dbn.zst";
      this.#sink = dbnSink(onBars);
      this.#zstd = createZstdDecompress();
      this.#zstd.on("data", (d: Buffer) => this.#guard(() => this.#sink?.push(d)));
      this.#zstdDone = new Promise((resolve) => {
        this.#zstd?.on("end", resolve);
        this.#zstd?.on("error", (e: Error) => {
          this.#error ??= `zstd: ${e.message}`;
          resolve();
        });
      });
    } else if (head.subarray(0, 3).toString("latin1") === "DBN") {
      this.#format = "dbn";
      this.#sink = dbnSink(onBars);
    } else if (/^[a-z_]+,/.test(head.subarray(0, 64).toString("latin1"))) {
      this.#format = "csv";
      this.#sink = csvSink(onBars);
    } else {
      this.#format = "other";
    }
  }

  async #feed(bytes: Uint8Array): Promise<void> {
    if (this.#error || this.#format === "other") return;
    const z = this.#zstd;
    if (z) {
      if (!z.write(bytes)) await new Promise((r) => z.once("drain", r));
      return;
    }
    this.#guard(() => this.#sink?.push(bytes));
  }

  /** The first decoding error stops decoding; the count so far stays. */
  #guard(step: () => void): void {
    if (this.#error) return;
    try {
      step();
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
    }
  }
}

/** CSV: whole lines go to parseOhlcvCsv under the header; a line split across chunks waits. */
const csvSink = (onBars: (bars: readonly Bar[]) => void): Sink => {
  const decoder = new TextDecoder("utf-8");
  let header: string | undefined;
  let carry = "";
  let line = 1;
  const parse = (lines: string[]) => {
    if (lines.length === 0 || header === undefined) return;
    try {
      onBars(parseOhlcvCsv(`${header}\n${lines.join("\n")}\n`));
    } catch (error) {
      // parseOhlcvCsv counts from the header as line 1: say where in the file it was.
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        message.replace(/CSV line (\d+)/, (_, n) => `CSV line ${line + Number(n) - 1}`),
      );
    }
    line += lines.length;
  };
  const take = (text: string, final: boolean) => {
    const lines = (carry + text).split("\n");
    carry = final ? "" : (lines.pop() ?? "");
    if (final && lines.at(-1) === "") lines.pop();
    if (header === undefined && lines.length > 0) header = lines.shift();
    parse(lines);
  };
  return {
    push: (bytes) => take(decoder.decode(bytes, { stream: true }), false),
    finish: () => take(decoder.decode(), true),
  };
};

/**
 * DBN: the metadata is kept; whole records go to decodeDbnBars behind it (a record split
 * across chunks waits for the rest). A record cut short at the end is the decoder's error.
 */
const RECORD_HEADER_LEN = 16;
const dbnSink = (onBars: (bars: readonly Bar[]) => void): Sink => {
  let metadata: Buffer | undefined;
  let pending = Buffer.alloc(0);
  const drain = (final: boolean) => {
    if (!metadata) {
      if (pending.length < DBN_PRELUDE_LEN) {
        if (final) decodeDbnBars(pending); // throws: not DBN / too short
        return;
      }
      const end = DBN_PRELUDE_LEN + pending.readUInt32LE(4);
      if (pending.length < end && !final) return;
      metadata = Buffer.from(pending.subarray(0, end));
      decodeDbnBars(metadata); // the metadata alone: throws if malformed
      pending = Buffer.from(pending.subarray(end));
    }
    let at = 0;
    while (at < pending.length) {
      const length = (pending[at] ?? 0) * 4;
      if (length < RECORD_HEADER_LEN) {
        at = pending.length; // the decoder names the bad record
        break;
      }
      if (at + length > pending.length) break;
      at += length;
    }
    const whole = final ? pending.length : at;
    if (whole > 0) onBars(decodeDbnBars(Buffer.concat([metadata, pending.subarray(0, whole)])));
    pending = Buffer.from(pending.subarray(whole));
  };
  return {
    push: (bytes) => {
      pending = pending.length === 0 ? Buffer.from(bytes) : Buffer.concat([pending, bytes]);
      drain(false);
    },
    finish: () => drain(true),
  };
};
