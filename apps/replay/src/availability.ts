import type { DatasetData, ReplayData } from "./data.ts";
import { type ApiError, caseError, DOCS_DATASETS } from "./errors.ts";
import { formatNs, humanNs } from "./time.ts";

/** The dataset, or the 422 Databento gives for one the account cannot see. */
export const findDataset = (data: ReplayData, dataset: string): DatasetData | ApiError => {
  const found = data.datasets.get(dataset);
  if (found) return found;
  const have = [...data.datasets.keys()].join(", ");
  return caseError(
    422,
    "dataset_unavailable",
    `Dataset '${dataset}' is not available: the replay upstream has recorded bars for ${have}.`,
    { dataset },
    DOCS_DATASETS,
  );
};

/**
 * A range reaching outside the recorded data is refused the way Databento refuses one
 * outside a dataset's available range (cases and wording copied from its answers).
 */
export const checkAvailable = (
  ds: DatasetData,
  start: bigint,
  end: bigint,
): ApiError | undefined => {
  const payload = {
    dataset: ds.dataset,
    start: formatNs(start),
    end: formatNs(end),
    available_start: formatNs(ds.availableStart),
    available_end: formatNs(ds.availableEnd),
  };
  const refuse = (kase: string, message: string) =>
    caseError(422, kase, message, payload, DOCS_DATASETS);
  if (start < ds.availableStart) {
    return refuse(
      "data_start_before_available_start",
      `\`start\` in query ('${humanNs(start)}') was before the available start of dataset ${ds.dataset} ('${humanNs(ds.availableStart)}'). Try requesting with a later \`start\`.`,
    );
  }
  if (start >= ds.availableEnd) {
    return refuse(
      "data_start_after_available_end",
      `\`start\` in query ('${humanNs(start)}') was after the available end of dataset ${ds.dataset} ('${humanNs(ds.availableEnd)}'). Try requesting with an earlier \`start\`.`,
    );
  }
  if (end > ds.availableEnd) {
    return refuse(
      "data_end_after_available_end",
      `The dataset ${ds.dataset} has data available up to '${humanNs(ds.availableEnd)}'. The \`end\` in the query ('${humanNs(end)}') is after the available range. Try requesting with an earlier \`end\`.`,
    );
  }
  return undefined;
};
