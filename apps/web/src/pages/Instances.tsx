import { Alert, Badge, Loader, Table } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";

const POOL_COLORS = { healthy: "green", degraded: "orange", critical: "red" } as const;

const mb = (n: unknown) => (typeof n === "number" ? `${(n / 1024 / 1024).toFixed(0)} MB` : "—");

/** Live instances with boot ids, uptime, memory, pressure and Postgres pool state, refreshed every 2 s. */
export function Instances() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.instances.list.queryOptions(), refetchInterval: 2000 });
  const pools = useQuery({ ...trpc.pool.list.queryOptions(), refetchInterval: 2000 });
  if (q.isPending) return <Loader />;
  if (q.isError) return <Alert color="red">{q.error.message}</Alert>;
  return (
    <Table striped withTableBorder data-testid="instances">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>instance</Table.Th>
          <Table.Th>boot</Table.Th>
          <Table.Th>version</Table.Th>
          <Table.Th>started</Table.Th>
          <Table.Th>heap used</Table.Th>
          <Table.Th>rss</Table.Th>
          <Table.Th>pressure</Table.Th>
          <Table.Th>state</Table.Th>
          <Table.Th>pg pool</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {q.data.map((i) => {
          const m = i.memory;
          const p = i.pressure;
          const pool = pools.data?.find((x) => x.instanceId === i.instanceId && x.live);
          return (
            <Table.Tr key={i.instanceId}>
              <Table.Td>{i.instanceId}</Table.Td>
              <Table.Td>{i.bootId.slice(0, 8)}</Table.Td>
              <Table.Td>{i.version}</Table.Td>
              <Table.Td>{new Date(i.startedAt).toLocaleTimeString()}</Table.Td>
              <Table.Td>{mb(m?.heapUsed)}</Table.Td>
              <Table.Td>{mb(m?.rss)}</Table.Td>
              <Table.Td>{p?.pressure?.toFixed(3) ?? "—"}</Table.Td>
              <Table.Td>
                <Badge color={!i.live ? "gray" : p?.shedding ? "orange" : "green"}>
                  {!i.live ? "gone" : p?.shedding ? "shedding" : "live"}
                </Badge>
              </Table.Td>
              <Table.Td
                data-testid={`pool-${i.instanceId}`}
                data-status={pool?.status ?? "unknown"}
              >
                {pool ? (
                  <Badge color={POOL_COLORS[pool.status]} variant="light">
                    {pool.total}/{pool.max} open, {pool.idle} idle, {pool.waiting} waiting
                  </Badge>
                ) : (
                  "—"
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
