// Port of Keycloak's js/libs/keycloak-admin-client/test/components.spec.ts (keycloak/keycloak @49821669) to
// node:test, run against a Doorkeep server by tests/interop/test_keycloak_admin_client_specs_clients.py.
//
// The original drives the component API through an LDAP user federation provider (providerId "ldap", type
// org.keycloak.storage.UserStorageProvider); Doorkeep has no LDAP, so its four tests ("list user federations",
// "get a user federation", "get a sub components", "update a user federation") are left out as written. The same
// calls with the same expectations run here on the component type Doorkeep has: an rsa-generated key provider
// (org.keycloak.keys.KeyProvider) of the master realm, whose id is "master" as in Keycloak.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, uniqueName } from "./support.mjs";

const KEY_PROVIDER = "org.keycloak.keys.KeyProvider";

describe("Key providers using component api", () => {
  let kc;
  let current;

  before(async () => {
    kc = await connect();
    const component = await kc.components.create({
      name: uniqueName("keys"),
      parentId: "master",
      providerId: "rsa-generated",
      providerType: KEY_PROVIDER,
      config: { priority: ["50"] },
    });
    assert.ok(component.id);
    current = await kc.components.findOne({ id: component.id });
  });

  after(async () => {
    await kc.components.del({ id: current.id });
    assert.equal(await kc.components.findOne({ id: current.id }), null);
  });

  it("list key providers", async () => {
    const found = await kc.components.find({ parent: "master", type: KEY_PROVIDER });
    assert.ok(found.length >= 1);
    assert.ok(found.some((component) => component.id === current.id));
  });

  it("get a key provider", async () => {
    const component = await kc.components.findOne({ id: current.id });
    assert.equal(component.id, current.id);
  });

  it("get sub components", async () => {
    assert.ok(await kc.components.listSubComponents({ id: current.id, type: KEY_PROVIDER }));
  });

  it("update a key provider", async () => {
    await kc.components.update(
      { id: current.id },
      { parentId: "master", providerId: "rsa-generated", providerType: KEY_PROVIDER, name: "cool-name" },
    );
    const updated = await kc.components.findOne({ id: current.id });
    assert.equal(updated.id, current.id);
    assert.equal(updated.name, "cool-name");
  });
});
