import { ArgumentError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "./command.ts";

const USAGE = "fault list | fault set NAME [--instance ID] | fault clear [NAME]";

/** `scaleproof fault list|set|clear`: admin fault switches (the deployment needs FAULTS_ENABLED). */
export const fault: Command = {
  options: ["instance"],
  validate: (_values, [verb, name]) => {
    if (verb !== "list" && verb !== "clear" && !(verb === "set" && name)) {
      throw new ArgumentError("fault", USAGE);
    }
  },
  async run({ client, out, values, positionals: [verb, name] }) {
    if (verb === "list") {
      const f = await client.faults.list.query();
      out.line(`fault injection ${f.enabled ? "enabled" : "disabled"} on this deployment`);
      for (const a of f.available) out.line(`  ${a.name}: ${a.description}`);
      out.line(
        `active: ${f.active.map((x) => `${x.name}@${x.instanceId ?? "*"}`).join(", ") || "none"}`,
      );
    } else if (verb === "set" && name) {
      const active = await client.faults.set.mutate({
        name: name as never,
        ...(values.instance ? { instanceId: values.instance } : {}),
      });
      out.line(`active: ${active.map((x) => `${x.name}@${x.instanceId ?? "*"}`).join(", ")}`);
    } else {
      const active = await client.faults.clear.mutate(name ? { name: name as never } : {});
      out.line(`active: ${active.map((x) => x.name).join(", ") || "none"}`);
    }
    return EXIT.pass;
  },
};
