// Port of Keycloak's js/libs/keycloak-admin-client/test/authHeaderEncoding.spec.ts, plus its `it` against
// Doorkeep. The spec's one `it` is kept, unchanged: getToken sends client_secret_basic credentials
// form-urlencoded before base64 (RFC 6749 2.3.1), as a throwaway token endpoint sees them. The port adds
// the same client id and secret against the server under test: a confidential client "client id:with/slash"
// with the secret "secret !*'() +:/?" gets a client_credentials token, so the server decodes what the
// client encoded (Keycloak's BasicAuthHelper.RFC6749.parseHeader url-decodes both halves).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { getToken } from "@keycloak/keycloak-admin-client/lib/utils/auth.js";

import { answerJson, startFakeServer } from "./fakeServer.mjs";
import { baseUrl, connect } from "./support.mjs";

const CLIENT_ID = "client id:with/slash";
const CLIENT_SECRET = "secret !*'() +:/?";

const encodeFormURIComponent = (data) =>
  encodeURIComponent(data)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");

const toBasicHeader = (clientId, clientSecret) =>
  `Basic ${Buffer.from(`${encodeFormURIComponent(clientId)}:${encodeFormURIComponent(clientSecret)}`).toString("base64")}`;

describe("Authorization header encoding", () => {
  it("encodes special characters in client credentials before base64", async () => {
    let authHeader = "";
    const server = await startFakeServer((request, response) => {
      authHeader = request.headers.authorization ?? "";
      answerJson(response, {
        access_token: "access.token.value",
        expires_in: "300",
        refresh_expires_in: 1800,
        refresh_token: "refresh.token.value",
        token_type: "Bearer",
        not_before_policy: 0,
        session_state: "state",
        scope: "profile email",
      });
    });
    try {
      await getToken({
        baseUrl: server.url,
        realmName: "master",
        credentials: { grantType: "client_credentials", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      });
      assert.equal(authHeader, toBasicHeader(CLIENT_ID, CLIENT_SECRET));
    } finally {
      await server.close();
    }
  });
});

describe("Authorization header encoding against the server under test", () => {
  let kc;
  let created;

  before(async () => {
    kc = await connect();
    created = await kc.clients.create({
      clientId: CLIENT_ID,
      secret: CLIENT_SECRET,
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
    });
  });

  after(async () => {
    await kc.clients.del({ id: created.id });
  });

  it("encodes special characters in client credentials before base64", async () => {
    const token = await getToken({
      baseUrl,
      realmName: "master",
      credentials: { grantType: "client_credentials", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    assert.equal(typeof token.accessToken, "string");
    const claims = JSON.parse(Buffer.from(token.accessToken.split(".")[1], "base64url").toString("utf8"));
    assert.equal(claims.azp, CLIENT_ID);
  });
});
