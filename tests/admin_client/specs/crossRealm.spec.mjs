// Port of Keycloak's js/libs/keycloak-admin-client/test/crossRealm.spec.ts against Doorkeep.
// Every `it` of the spec is kept, unchanged: master's admin creates a realm, adds a user to it through
// the `realm` argument of users.create, finds the user there, and deletes the realm.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { connect, uniqueName } from "./support.mjs";

describe("Realms", () => {
  let kc;
  let currentRealmId;

  before(async () => {
    kc = await connect();
    const realmId = uniqueName("realm");
    const realm = await kc.realms.create({ id: realmId, realm: realmId });
    assert.ok(realm.realmName);
    currentRealmId = realmId;
  });

  after(async () => {
    await kc.realms.del({ realm: currentRealmId });
  });

  it("add a user to another realm", async () => {
    const username = uniqueName("user").toLowerCase();
    const user = await kc.users.create({
      realm: currentRealmId,
      username,
      email: "test@keycloak.org",
      // enabled required to be true in order to send actions email
      emailVerified: true,
      enabled: true,
    });
    const found = await kc.users.findOne({ realm: currentRealmId, id: user.id });
    assert.deepEqual(found.username, username);
  });
});
