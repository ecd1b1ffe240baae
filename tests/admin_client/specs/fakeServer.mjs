// A throwaway HTTP server on 127.0.0.1 (a free port the kernel picks), for the ported specs that check
// what the admin client sends before any server answers (Keycloak's client, authHeaderEncoding,
// tokenExchange and account specs stand up the same kind of server with node:http).
import { createServer } from "node:http";

/** Start a server whose every request goes to `handler(request, response, body)`; answers { url, close }. */
export async function startFakeServer(handler) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(Buffer.from(chunk)));
    request.on("end", () => {
      Promise.resolve(handler(request, response, Buffer.concat(chunks).toString("utf8"))).catch((error) => {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(String(error));
      });
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  const close = () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return { url: `http://127.0.0.1:${port}`, close };
}

/** An unsigned JWT-shaped string with `payload` (the specs' createToken). */
export function createToken(payload = { exp: 9999999999 }) {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.signature`;
}

/** Answer 200 with `body` as JSON. */
export function answerJson(response, body) {
  response.writeHead(200, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
