import type { CommandContext } from "../command-context.js";
import { describeAuth } from "../connection.js";

/** `sg whoami`: the site, how you authenticate, and the user (or script) that is. */
export async function whoamiCommand(ctx: CommandContext): Promise<number> {
  const { connection, api } = await ctx.connect();
  const { auth } = connection;
  const row: Record<string, unknown> = { site: connection.site, auth: describeAuth(auth) };
  const login = auth.kind === "user" ? auth.login.value : auth.kind === "session" ? auth.login : undefined;
  if (auth.kind === "script") {
    const script = await api.findOne("ApiUser", [["firstname", "is", auth.scriptName.value]], ["firstname", "permission_rule_set"]);
    row["user"] = script ? { type: "ApiUser", id: script["id"], name: script["firstname"] } : null;
    row["permission_rule_set"] = script?.["permission_rule_set"] ?? null;
  } else if (login) {
    const user = await api.findOne("HumanUser", [["login", "is", login]], ["login", "name", "email", "sg_status_list", "permission_rule_set"]);
    row["user"] = user ? { type: "HumanUser", id: user["id"], name: user["name"] } : null;
    row["login"] = login;
    row["email"] = user?.["email"] ?? null;
    row["status"] = user?.["sg_status_list"] ?? null;
    row["permission_rule_set"] = user?.["permission_rule_set"] ?? null;
  } else {
    await api.schemaEntityRead();
    // The table says it in `user`; data keeps `user` an object or null (`jq .user.id`), with the words in `note`.
    const note = "the site does not say whose session this is; it is valid";
    if (ctx.format === "table") row["user"] = `(${note})`;
    else Object.assign(row, { user: null, note });
  }
  // Under sudo every call is made as the target: what it writes is theirs (created_by, updated_by), and it sees what
  // they may see. `user` stays who logged in (their name and role); `acting_as` is who the site acts as.
  const sudoAs = auth.kind === "none" ? undefined : auth.sudoAs;
  if (sudoAs) {
    const target = await api.findOne("HumanUser", [["login", "is", sudoAs.value]], ["login", "name"]);
    row["acting_as"] = target ? { type: "HumanUser", id: target["id"], name: target["name"] } : null;
    row["sudo_as"] = sudoAs.value;
  }
  const writer = ctx.writer({ single: true });
  await writer.row(row);
  await writer.end();
  return 0;
}
