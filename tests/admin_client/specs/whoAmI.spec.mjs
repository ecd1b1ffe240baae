// Port of Keycloak's js/libs/keycloak-admin-client/test/whoAmI.spec.ts against Doorkeep.
//
// The spec's `it` is kept, with one change: the spec asks with its admin-cli token, which Keycloak 26
// refuses (AdminConsole.whoAmI: 403 "Token issued for an application that is not the admin console"
// unless the token's azp is security-admin-console or a client whose security.admin.console attribute
// is true). The port makes such a client in master (public, direct access grants) and asks with its
// token, and checks the refusal of the admin-cli token as a second test.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import KcAdminClient from "@keycloak/keycloak-admin-client";

import { baseUrl, connect, credentials, uniqueName } from "./support.mjs";

describe("Who am I", () => {
  let admin;
  let client;
  let consoleClient;

  before(async () => {
    admin = await connect();
    const clientId = uniqueName("console");
    consoleClient = await admin.clients.create({
      clientId,
      publicClient: true,
      directAccessGrantsEnabled: true,
      attributes: { "security.admin.console": "true" },
    });
    client = new KcAdminClient({ baseUrl, realmName: "master" });
    await client.auth({ ...credentials, clientId });
  });

  after(async () => {
    await admin.clients.del({ id: consoleClient.id });
  });

  it("list who I am", async () => {
    const whoAmI = await client.whoAmI.find();
    assert.ok(whoAmI);
    assert.equal(typeof whoAmI.userId, "string");
    assert.notEqual(whoAmI.userId, "");
    assert.equal(typeof whoAmI.realm, "string");
    assert.notEqual(whoAmI.realm, "");
  });

  it("refuses a token issued to admin-cli", async () => {
    await assert.rejects(admin.whoAmI.find(), (error) => {
      assert.equal(error.response?.status, 403);
      assert.deepEqual(error.responseData, {
        error: "Token issued for an application that is not the admin console: admin-cli",
      });
      return true;
    });
  });
});
