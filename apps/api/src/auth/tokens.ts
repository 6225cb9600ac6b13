import { createHash, timingSafeEqual } from "node:crypto";

export type Role = "admin" | "viewer";

/** Who a request is: no credentials, credentials we do not know, or a role. */
export type Principal =
  | { readonly kind: "anonymous" }
  | { readonly kind: "invalid" }
  | { readonly kind: "token"; readonly role: Role };

const digest = (s: string) => createHash("sha256").update(s).digest();

/**
 * Bearer-token check in constant time: both sides are hashed to equal length and every
 * configured token is compared, so neither the token's length nor which one matched
 * shows in the timing.
 */
export const tokenAuthenticator = (tokens: {
  admin?: string | undefined;
  viewer?: string | undefined;
}) => {
  const known = (
    [
      ["admin", tokens.admin],
      ["viewer", tokens.viewer],
    ] as const
  ).flatMap(([role, t]) => (t ? [{ role, hash: digest(t) }] : []));
  return (authorization: string | null | undefined): Principal => {
    if (!authorization) return { kind: "anonymous" };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m?.[1]) return { kind: "invalid" };
    const presented = digest(m[1]);
    let role: Role | undefined;
    for (const k of known) if (timingSafeEqual(k.hash, presented)) role ??= k.role;
    return role ? { kind: "token", role } : { kind: "invalid" };
  };
};
