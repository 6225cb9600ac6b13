import { Badge } from "@mantine/core";

export type Verdict = "PASS" | "RISK" | "FAIL" | "RUNNING" | "ABORTED";

const COLOR: Record<Verdict, string> = {
  PASS: "green",
  RISK: "orange",
  FAIL: "red",
  RUNNING: "blue",
  ABORTED: "gray",
};

/** The PASS/RISK/FAIL badge shown per profile and per check. */
export function VerdictBadge({ verdict }: { readonly verdict: Verdict }) {
  return (
    <Badge
      color={COLOR[verdict]}
      variant="filled"
      data-verdict={verdict}
      style={{ flexShrink: 0 }}
      miw={64}
    >
      {verdict}
    </Badge>
  );
}
