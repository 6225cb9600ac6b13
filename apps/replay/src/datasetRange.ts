import { findDataset } from "./availability.ts";
import type { ReplayData } from "./data.ts";
import { type ApiError, isApiError, paramErrors } from "./errors.ts";
import { formatNs } from "./time.ts";

export interface DatasetRangeBody {
  readonly start: string;
  readonly end: string;
  readonly schema: Readonly<Record<string, { readonly start: string; readonly end: string }>>;
}

/**
 * `metadata.get_dataset_range`: Databento's answer is `{start, end, schema: {<schema>:
 * {start, end}}}`, ISO 8601 with nanoseconds, end exclusive. Here it is computed from the
 * recorded bars (first bar, last bar + 1 minute), and the only schema is ohlcv-1m.
 */
export const datasetRangeBody = (
  data: ReplayData,
  dataset: string | undefined,
): DatasetRangeBody | ApiError => {
  if (!dataset)
    return paramErrors(
      [{ param: "dataset", msg: "field required", type: "value_error.missing" }],
      "query",
    );
  const ds = findDataset(data, dataset);
  if (isApiError(ds)) return ds;
  const range = { start: formatNs(ds.availableStart), end: formatNs(ds.availableEnd) };
  return { ...range, schema: { "ohlcv-1m": range } };
};
