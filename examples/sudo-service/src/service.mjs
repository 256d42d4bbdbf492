// A small service that writes on behalf of artists: one script key, and `sudoAsLogin` per artist, so that each
// write is made with the artist's permissions and the site records the artist (created_by, updated_by, the event
// log's user) rather than the script. One client per artist, all over one transport (one connection pool, one
// retry budget), as "One client per user" in the @sg/core README describes.
import { createServer } from "node:http";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";

/** A login as sites spell them (a name or an email); anything else is refused before a client is made. */
const LOGIN = /^[\w.+@-]{1,128}$/;

/** Sudo refusals of the target (from @sg/auth-script): the caller named someone the script may not act as. */
const REFUSED = new Set(["SG_SCRIPT_SUDO_INACTIVE_USER", "SG_SCRIPT_SUDO_UNKNOWN_USER", "SG_SCRIPT_SUDO_NOT_ALLOWED", "SG_SCRIPT_SUDO_FORBIDDEN"]);

/**
 * @typedef {{ as: string, shot: number, subject: string, content: string }} NoteRequest
 * @typedef {{ status: number, body: Record<string, unknown> }} Reply
 */

/**
 * What is wrong with a request body, or `undefined` when it is a NoteRequest.
 * @param {any} body
 * @returns {string | undefined}
 */
function problemOf(body) {
  if (typeof body !== "object" || body === null) return "expected a JSON object";
  if (typeof body.as !== "string" || !LOGIN.test(body.as)) return "as: expected the artist's login";
  if (!Number.isSafeInteger(body.shot) || body.shot <= 0) return "shot: expected a Shot id";
  if (typeof body.subject !== "string" || body.subject.length === 0 || body.subject.length > 200) return "subject: expected 1 to 200 characters";
  if (typeof body.content !== "string" || body.content.length > 10_000) return "content: expected at most 10,000 characters";
  return undefined;
}

/**
 * The service: `POST /notes` with `{"as": "<login>", "shot": <id>, "subject", "content"}` creates a Note on the
 * Shot as that artist and answers 201 `{"id", "created_by"}`. A login the site will not let the script act as is
 * answered 403; a failed Shot lookup (a read: nothing written) 503; a create that may have landed (`maybeSent`) 502
 * with `"maybeSent": true` — the service does not send it again, since a Note has no key to look it up by: the
 * caller decides; a create refused by the site 500.
 *
 * @param {object} options
 * @param {string} options.site
 * @param {string} options.scriptName
 * @param {string} options.scriptKey
 * @param {import("@sg/core").TransportStrategy} [options.transport] shared by every artist's client (`jsonRpcTransport()`)
 * @param {(line: string) => void} [options.log]
 */
export function noteService({ site, scriptName, scriptKey, transport = jsonRpcTransport(), log = () => {} }) {
  /** @type {Map<string, import("@sg/entities").EntityApi>} */
  const clients = new Map();
  /** The client acting as `login`, made on first use. @param {string} login */
  const clientFor = (login) => {
    let sg = clients.get(login);
    if (!sg) clients.set(login, (sg = entityApi(createClient({ site, transport, auth: scriptAuth({ scriptName, scriptKey, sudoAsLogin: login }) }))));
    return sg;
  };

  /**
   * @param {NoteRequest} request
   * @returns {Promise<Reply>}
   */
  async function createNote(request) {
    const sg = clientFor(request.as);
    /** A sudo refusal: 403, and no client kept for the login. @param {unknown} error */
    const refused = (error) => {
      const code = /** @type {{ code?: string }} */ (error)?.code;
      if (!code || !REFUSED.has(code)) return undefined;
      clients.delete(request.as);
      return { status: 403, body: { error: `the site does not let this service act as '${request.as}'`, code } };
    };
    let shot;
    try {
      shot = await sg.findOne("Shot", [["id", "is", request.shot]], ["project"]);
    } catch (error) {
      // A read: nothing was written, whatever the error says (the transport already retried it).
      return refused(error) ?? { status: 503, body: { error: "site unavailable, nothing written; retry", code: /** @type {{ code?: string }} */ (error)?.code ?? null } };
    }
    if (!shot) return { status: 404, body: { error: `no Shot ${request.shot}` } };
    try {
      const note = await sg.create("Note", { project: shot["project"], note_links: [{ type: "Shot", id: shot.id }], subject: request.subject, content: request.content }, ["created_by"]);
      log(`Note ${note.id} on Shot ${shot.id} created as ${request.as}`);
      return { status: 201, body: { id: note.id, created_by: note["created_by"] } };
    } catch (error) {
      const answer = refused(error);
      if (answer) return answer;
      if (/** @type {{ maybeSent?: boolean }} */ (error)?.maybeSent === true) return { status: 502, body: { error: "the Note may have been created: check before asking again", maybeSent: true } };
      throw error;
    }
  }

  /** The requests being answered (close() waits for their replies once it has ended their calls). @type {Set<Promise<void>>} */
  const inFlight = new Set();
  const server = createServer((req, res) => {
    /** @param {Reply} reply */
    const send = ({ status, body }) => {
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.method !== "POST" || req.url !== "/notes") return send({ status: 404, body: { error: "POST /notes only" } });
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      text += chunk;
      if (text.length > 20_000) req.destroy();
    });
    req.on("end", () => {
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        return send({ status: 400, body: { error: "expected a JSON body" } });
      }
      const problem = problemOf(body);
      if (problem) return send({ status: 400, body: { error: problem } });
      const replied = createNote(body).then(send, (/** @type {Error} */ error) => {
        log(`POST /notes as ${body.as} failed: ${error.message.split("\n")[0]}`);
        send({ status: 500, body: { error: "the site refused the write", code: /** @type {{ code?: string }} */ (error).code ?? null } });
      });
      inFlight.add(replied);
      replied.finally(() => inFlight.delete(replied));
    });
  });

  return {
    server,
    /** Listen on 127.0.0.1 at `port` (0: any free port); resolves with the service's URL. @param {number} [port] */
    listen: (port = 0) =>
      new Promise((resolve) => {
        server.listen(port, "127.0.0.1", () => resolve(`http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`));
      }),
    /**
     * Stop taking requests, end every artist's calls in flight (closing the clients: the requests waiting on them are
     * answered with an error at once), then close the connections.
     */
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      await Promise.all([...clients.values()].map((sg) => sg.client.close()));
      await Promise.all(inFlight);
      server.closeAllConnections();
      await closed;
    },
  };
}
