// Port of Keycloak's js/libs/keycloak-admin-client/test/client.spec.ts, plus its last `it` against Doorkeep.
// Every `it` of the spec is kept, unchanged: the first two check the client's refresh-token bookkeeping with
// no server, the third authenticates with client_credentials against a throwaway token endpoint whose
// answer has no refresh_token. The port adds that third one against the server under test: a confidential
// client with a service account in master authenticates there, and Doorkeep's answer has no refresh_token
// either (Keycloak's default: OIDCAdvancedConfigWrapper "client_credentials.use_refresh_token" off).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import KcAdminClient from "@keycloak/keycloak-admin-client";

import { answerJson, createToken, startFakeServer } from "./fakeServer.mjs";
import { baseUrl, connect, uniqueName } from "./support.mjs";

describe("KeycloakAdminClient", () => {
  it("does not throw when refresh token is undefined", () => {
    const client = new KcAdminClient();
    assert.doesNotThrow(() => client.setRefreshToken(undefined));
    assert.equal(client.refreshToken, undefined);
    assert.equal(client.isRefreshTokenExpired(), false);
  });

  it("can clear a previously set refresh token", () => {
    const client = new KcAdminClient();
    client.setRefreshToken(createToken());
    assert.equal(typeof client.refreshToken, "string");
    client.setRefreshToken(undefined);
    assert.equal(client.refreshToken, undefined);
    assert.equal(client.isRefreshTokenExpired(), false);
  });

  it("auth succeeds for client_credentials responses without refresh_token", async () => {
    const server = await startFakeServer((request, response) => {
      if (request.method !== "POST") {
        response.writeHead(405).end();
        return;
      }
      const path = request.url;
      if (path !== "/realms/master/protocol/openid-connect/token" && path !== "/realms/master/protocol/openid-connect/token/") {
        response.writeHead(404).end();
        return;
      }
      answerJson(response, {
        access_token: createToken(),
        expires_in: "300",
        refresh_expires_in: 0,
        token_type: "Bearer",
        not_before_policy: 0,
        session_state: "state",
        scope: "profile email",
      });
    });
    try {
      const client = new KcAdminClient({ baseUrl: server.url });
      await client.auth({ grantType: "client_credentials", clientId: "admin-cli", clientSecret: "secret" });
      assert.equal(typeof client.accessToken, "string");
      assert.equal(client.refreshToken, undefined);
    } finally {
      await server.close();
    }
  });
});

describe("KeycloakAdminClient against the server under test", () => {
  let kc;
  let serviceClient;
  const clientId = uniqueName("service");
  const secret = uniqueName("secret");

  before(async () => {
    kc = await connect();
    serviceClient = await kc.clients.create({
      clientId,
      secret,
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
    });
  });

  after(async () => {
    await kc.clients.del({ id: serviceClient.id });
  });

  it("auth succeeds for client_credentials responses without refresh_token", async () => {
    const client = new KcAdminClient({ baseUrl, realmName: "master" });
    await client.auth({ grantType: "client_credentials", clientId, clientSecret: secret });
    assert.equal(typeof client.accessToken, "string");
    assert.equal(client.refreshToken, undefined);
  });
});
