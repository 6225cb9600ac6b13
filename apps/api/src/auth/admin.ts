import type { Principal } from "./tokens.ts";

export interface AuthProblem {
  readonly status: 401 | 403;
  readonly code: "UNAUTHORIZED" | "FORBIDDEN";
  readonly message: string;
}

/** Why this principal may not use an admin-only operation, or undefined when it may. */
export const adminProblem = (p: Principal): AuthProblem | undefined => {
  if (p.kind === "anonymous") {
    return {
      status: 401,
      code: "UNAUTHORIZED",
      message: "admin token required (Authorization: Bearer <token>)",
    };
  }
  if (p.kind === "invalid") return { status: 401, code: "UNAUTHORIZED", message: "unknown token" };
  if (p.role !== "admin") {
    return {
      status: 403,
      code: "FORBIDDEN",
      message: `this token has the ${p.role} role; ops need admin`,
    };
  }
  return undefined;
};
