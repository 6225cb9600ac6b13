import { Alert, Badge, Loader, Table } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";

const mb = (n: unknown) => (typeof n === "number" ? `${(n / 1024 / 1024).toFixed(0)} MB` : "—");

/** Live instances with boot ids, uptime, memory and pressure state, refreshed every 2 s. */
export function Instances() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.instances.list.queryOptions(), refetchInterval: 2000 });
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
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {q.data.map((i) => {
          const m = i.memory;
          const p = i.pressure;
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
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
