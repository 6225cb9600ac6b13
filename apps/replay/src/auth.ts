import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Databento's scheme: HTTP Basic with the API key as the user name and an empty
 * password (the password is not checked, as clients differ in sending ":" or not).
 * Compared through fixed-length digests in constant time, so response timing says
 * nothing about how much of a guessed key was right.
 */
export const keyMatches = (authorization: string | undefined, apiKey: string): boolean => {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? "");
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return timingSafeEqual(digest(user), digest(apiKey));
};

/** The header a client sends for `apiKey`. */
export const basicAuth = (apiKey: string): string =>
  `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`;
