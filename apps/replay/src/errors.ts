/**
 * Error answers shaped like Databento's. Its body is always `{"detail": ...}`, where
 * detail is one of three things (a client must handle all three):
 * - an object `{case, message, status_code, docs, payload}` for rejections the API
 *   explains (time range, symbology, auth); cases and messages copied from real answers;
 * - an array `[{loc, msg, type}]` for malformed or missing parameters (FastAPI style);
 * - a plain string (rate limit, internal error).
 */

export interface ApiError {
  readonly status: number;
  readonly body: { readonly detail: unknown };
  readonly headers?: Readonly<Record<string, string>>;
}

const DOCS = "https://databento.com/docs/api-reference-historical";
export const DOCS_DATASETS = `${DOCS}/basics/datasets`;
export const DOCS_TIME =
  "https://databento.com/docs/standards-and-conventions/common-fields-enums-types";
export const DOCS_SYMBOLOGY = "https://databento.com/docs/standards-and-conventions/symbology";

export const caseError = (
  status: number,
  kase: string,
  message: string,
  payload: Record<string, unknown> | undefined,
  docs = DOCS,
): ApiError => ({
  status,
  body: {
    detail: { case: kase, message, status_code: status, docs, ...(payload ? { payload } : {}) },
  },
});

export interface ParamProblem {
  readonly param: string;
  readonly msg: string;
  readonly type: string;
}

/** Missing or malformed parameters: 400, one entry per offending parameter. */
export const paramErrors = (
  problems: readonly ParamProblem[],
  where: "body" | "query" = "body",
): ApiError => ({
  status: 400,
  body: { detail: problems.map((p) => ({ loc: [where, p.param], msg: p.msg, type: p.type })) },
});

export const stringError = (
  status: number,
  detail: string,
  headers?: Record<string, string>,
): ApiError => ({
  status,
  body: { detail },
  ...(headers ? { headers } : {}),
});

/** Databento answers a bad or missing key with 401 and this case. */
export const unauthorized = (): ApiError =>
  caseError(
    401,
    "auth_authentication_failed",
    "Authentication failed.",
    undefined,
    "https://databento.com/docs/portal/api-keys",
  );

/** Features real Databento has that the replay upstream does not serve: 422, saying so. */
export const notByReplay = (param: string, value: string, served: string): ApiError =>
  caseError(
    422,
    "replay_unsupported",
    `\`${param}\`='${value}' is not supported by the replay upstream (it serves ${served}).`,
    {
      [param]: value,
    },
  );

export const isApiError = (v: unknown): v is ApiError =>
  typeof v === "object" &&
  v !== null &&
  "status" in v &&
  typeof v.status === "number" &&
  v.status >= 400;
