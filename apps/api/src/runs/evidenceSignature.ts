import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { HEADERS } from "@scaleproof/core/wire/headers";

/**
 * Only the runner may tag a request as evidence of a run. Each run has its own key,
 * derived from the admin token every instance already holds (so nothing is stored or
 * sent, and Redis being down does not stop verification):
 *   runKey = HMAC-SHA256(ADMIN_TOKEN, "scaleproof/evidence/v1\n" + runId)
 * and each tagged request carries
 *   x-scale-test-sig: v1.<unix ms>.<request id>.<base64url HMAC-SHA256(runKey, runId \n ms \n id \n METHOD path?query)>
 * A signature binds the run, the time (within MAX_SKEW_MS) and the request line, so an
 * anonymous caller who knows a run id can neither add to nor subtract from its evidence.
 */
const MAX_SKEW_MS = 5 * 60_000;
const VERSION = "v1";

const runKey = (adminToken: string, runId: string) =>
  createHmac("sha256", adminToken).update(`scaleproof/evidence/v1\n${runId}`).digest();

const mac = (key: Buffer, runId: string, ms: string, id: string, requestLine: string) =>
  createHmac("sha256", key).update(`${runId}\n${ms}\n${id}\n${requestLine}`).digest();

/** `GET /api/bars?symbol=ES&…` as signed: the method and the path with its query. */
export const requestLineOf = (method: string, url: string | URL): string => {
  const u = typeof url === "string" ? new URL(url, "http://x") : url;
  return `${method.toUpperCase()} ${u.pathname}${u.search}`;
};

/**
 * `signEvidence` for one run, with the run's key derived once: the load engine signs
 * every request of a level (hundreds a second), and the key derivation is half the work.
 */
export const evidenceSigner = (adminToken: string, runId: string) => {
  const key = runKey(adminToken, runId);
  return (requestLine: string, now = Date.now()): Record<string, string> => {
    const ms = String(now);
    const id = randomUUID();
    const sig = mac(key, runId, ms, id, requestLine).toString("base64url");
    return { [HEADERS.run]: runId, [HEADERS.runSignature]: `${VERSION}.${ms}.${id}.${sig}` };
  };
};

/** The headers that make one request evidence of `runId` (the runner's side). */
export const signEvidence = (
  adminToken: string,
  runId: string,
  requestLine: string,
  now = Date.now(),
): Record<string, string> => evidenceSigner(adminToken, runId)(requestLine, now);

export type EvidenceTag =
  | { readonly kind: "none" }
  | { readonly kind: "valid"; readonly runId: string }
  | { readonly kind: "invalid"; readonly runId: string; readonly reason: string };

/** What a request's run tag is worth (an instance's side). Never throws. */
export const verifyEvidence = (
  adminToken: string | undefined,
  runId: string | undefined,
  signature: string | null | undefined,
  requestLine: string,
  now = Date.now(),
): EvidenceTag => {
  if (runId === undefined) return { kind: "none" };
  const invalid = (reason: string): EvidenceTag => ({ kind: "invalid", runId, reason });
  if (!adminToken) return invalid("this deployment has no admin token: no run can be evidenced");
  if (!signature) return invalid("unsigned");
  const [version, ms, id, sig, ...extra] = signature.split(".");
  if (version !== VERSION || !ms || !id || !sig || extra.length > 0) return invalid("malformed");
  if (!/^\d{1,15}$/.test(ms) || Math.abs(now - Number(ms)) > MAX_SKEW_MS) return invalid("stale");
  const expected = mac(runKey(adminToken, runId), runId, ms, id, requestLine);
  const given = Buffer.from(sig, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid("bad signature");
  }
  return { kind: "valid", runId };
};
