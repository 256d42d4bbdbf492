// The walk-through of `npm start -w @sg-examples/sudo-service`, against a site it is given (main.mjs starts the
// embedded emulator for it; the test gives it one of its own and reads the Notes back afterwards).
import { noteService } from "./service.mjs";

/**
 * POST a JSON body to the service.
 * @param {string} url
 * @param {unknown} body
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function post(url, body) {
  const res = await fetch(`${url}/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/**
 * @param {{ url: string, card: { scripts: { name: string, key: string }[] } }} site the emulator handle
 * @param {{ out: (line: string) => void }} options
 */
export async function runRecipe(site, { out }) {
  const script = /** @type {{ name: string, key: string }} */ (site.card.scripts[0]);
  const service = noteService({ site: site.url, scriptName: script.name, scriptKey: script.key, log: (line) => out(`   · ${line}`) });
  const url = await service.listen();
  /** @type {{ as: string, status: number, body: any }[]} */
  const replies = [];
  try {
    out(`\n1. The service listens on ${url}; two artists add Notes to Shot 1 through it (one script key, sudo per artist)`);
    const asks = [
      { as: "artist", subject: "Roto edge chatters at 1012" },
      { as: "coord", subject: "Client wants this by Friday" },
      { as: "artist", subject: "Fixed in v002" },
    ];
    for (const { as, subject } of asks) {
      const reply = await post(url, { as, shot: 1, subject, content: `${subject}.` });
      replies.push({ as, ...reply });
      if (reply.status !== 201) throw new Error(`sudo-service: POST as ${as} answered ${reply.status} ${JSON.stringify(reply.body)}`);
      out(`   ✓ ${as}: Note ${reply.body.id}, created_by ${reply.body.created_by?.name}`);
    }

    out("\n2. Logins the site will not let the script act as are refused (403), and nothing is written");
    for (const as of ["inactive", "private", "nobody"]) {
      const reply = await post(url, { as, shot: 1, subject: "should not land", content: "" });
      replies.push({ as, ...reply });
      if (reply.status !== 403) throw new Error(`sudo-service: POST as ${as} answered ${reply.status} ${JSON.stringify(reply.body)}`);
      out(`   ✓ ${as}: ${reply.status} ${reply.body.code}`);
    }
  } finally {
    await service.close();
  }
  return replies;
}
