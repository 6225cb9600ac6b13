import { Badge } from "@mantine/core";

/** `Scale Ready: YES/NO`, or `unknown` before a full run has finished. */
export function ScaleReadyPill({ ready }: { readonly ready: boolean | null }) {
  const text = ready === null ? "unknown" : ready ? "YES" : "NO";
  return (
    <Badge
      size="xl"
      radius="xl"
      color={ready === null ? "gray" : ready ? "green" : "red"}
      data-testid="scale-ready"
      data-ready={text}
    >
      Scale Ready: {text}
    </Badge>
  );
}
