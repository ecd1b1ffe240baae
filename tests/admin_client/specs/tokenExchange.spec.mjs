// Port of Keycloak's js/libs/keycloak-admin-client/test/tokenExchange.spec.ts (no server under test).
// Every `it` of the spec is kept, unchanged: each checks the token-exchange form getToken sends to a
// throwaway token endpoint (the spec's fixed port 8890 is a free one here). The pinned
// @keycloak/keycloak-admin-client 26.8.0's getToken sends no token-exchange parameter (subject_token,
// audience, ...), so there both skip themselves; they run once the pinned client sends them. No request
// reaches Doorkeep: its standard token exchange (RFC 8693) has its own wire tests.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { getToken } from "@keycloak/keycloak-admin-client/lib/utils/auth.js";

import { answerJson, startFakeServer } from "./fakeServer.mjs";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const SENDS_EXCHANGE = getToken.toString().includes("subject_token");
const NOT_SENT = "the pinned admin client 26.8.0's getToken sends no token-exchange parameters";

describe("Token exchange", () => {
  let server;
  let lastAuthorizationHeader = null;
  let lastBody = "";

  before(async () => {
    server = await startFakeServer((request, response, body) => {
      lastAuthorizationHeader = request.headers.authorization ?? null;
      lastBody = body;
      answerJson(response, {
        access_token: "access-token",
        expires_in: 300,
        refresh_expires_in: 0,
        refresh_token: "refresh-token",
        token_type: "Bearer",
        not_before_policy: 0,
        session_state: "session-id",
        scope: "profile email",
      });
    });
  });

  after(async () => {
    await server.close();
  });

  it("sends token exchange payload with default subject token type", { skip: !SENDS_EXCHANGE && NOT_SENT }, async () => {
    await getToken({
      baseUrl: server.url,
      realmName: "master",
      credentials: {
        grantType: TOKEN_EXCHANGE,
        clientId: "admin-cli",
        clientSecret: "test-secret",
        subjectToken: "subject-token",
        requestedSubject: "impersonated-user",
        audience: "target-client",
      },
    });
    const body = new URLSearchParams(lastBody);
    assert.equal(body.get("grant_type"), TOKEN_EXCHANGE);
    assert.equal(body.get("subject_token"), "subject-token");
    assert.equal(body.get("requested_subject"), "impersonated-user");
    assert.equal(body.get("audience"), "target-client");
    assert.equal(body.get("subject_token_type"), "urn:ietf:params:oauth:token-type:access_token");
    assert.match(lastAuthorizationHeader, /^Basic /);
  });

  it("sends optional token exchange parameters", { skip: !SENDS_EXCHANGE && NOT_SENT }, async () => {
    await getToken({
      baseUrl: server.url,
      realmName: "master",
      credentials: {
        grantType: TOKEN_EXCHANGE,
        clientId: "admin-cli",
        subjectToken: "subject-token",
        subjectTokenType: "urn:custom:token-type",
        requestedTokenType: "urn:ietf:params:oauth:token-type:refresh_token",
        actorToken: "actor-token",
        actorTokenType: "urn:ietf:params:oauth:token-type:access_token",
        subjectIssuer: "external-idp",
        audience: ["service-a", "service-b"],
        resource: ["resource-a", "resource-b"],
      },
    });
    const body = new URLSearchParams(lastBody);
    assert.equal(body.get("subject_token_type"), "urn:custom:token-type");
    assert.equal(body.get("requested_token_type"), "urn:ietf:params:oauth:token-type:refresh_token");
    assert.equal(body.get("actor_token"), "actor-token");
    assert.equal(body.get("actor_token_type"), "urn:ietf:params:oauth:token-type:access_token");
    assert.equal(body.get("subject_issuer"), "external-idp");
    assert.deepEqual(body.getAll("audience"), ["service-a", "service-b"]);
    assert.deepEqual(body.getAll("resource"), ["resource-a", "resource-b"]);
  });
});
