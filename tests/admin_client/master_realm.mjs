// Keycloak's @keycloak/keycloak-admin-client finds master's own admin client the way tools do
// (clients.find({clientId: "master-realm"}) in master), grants one of its roles to a new master user, and
// acts as that user. Prints one JSON object; tests/interop/test_keycloak_admin_client_master_realm.py asserts.
//
//   node master_realm.mjs BASE_URL
import KcAdminClient from "@keycloak/keycloak-admin-client";

const [baseUrl] = process.argv.slice(2);
const admin = new KcAdminClient({ baseUrl, realmName: "master" });
await admin.auth({ grantType: "password", clientId: "admin-cli", username: "admin", password: "admin" });

const out = {};
async function step(name, call) {
  try {
    const value = await call();
    out[name] = { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    out[name] = { ok: false, status: error?.response?.status ?? null, message: String(error?.message ?? error) };
  }
}

await step("findMasterRealm", async () => (await admin.clients.find({ clientId: "master-realm" }))
  .map((c) => ({ id: c.id, clientId: c.clientId, name: c.name, bearerOnly: c.bearerOnly })));
await step("findRealmManagement", async () => (await admin.clients.find({ clientId: "realm-management" })).length);
const masterRealm = out.findMasterRealm.value[0];
await step("listRoles", async () => (await admin.clients.listRoles({ id: masterRealm.id })).map((r) => r.name).sort());
await step("createUser", () => admin.users.create({ username: "node-desk", enabled: true,
  credentials: [{ type: "password", value: "node-desk-pw", temporary: false }] }));
await step("grant", async () => {
  const role = await admin.clients.findRole({ id: masterRealm.id, roleName: "manage-users" });
  await admin.users.addClientRoleMappings({ id: out.createUser.value.id, clientUniqueId: masterRealm.id,
    roles: [{ id: role.id, name: role.name }] });
  return (await admin.users.listClientRoleMappings({ id: out.createUser.value.id, clientUniqueId: masterRealm.id }))
    .map((r) => r.name);
});

const desk = new KcAdminClient({ baseUrl, realmName: "master" });
await desk.auth({ grantType: "password", clientId: "admin-cli", username: "node-desk", password: "node-desk-pw" });
await step("deskFindsUsers", async () => (await desk.users.find({ username: "node-desk", exact: true })).length);
await step("deskCreatesUser", async () => (await desk.users.create({ username: "made-by-desk", enabled: true })).id);
await step("deskListsClients", async () => (await desk.clients.find()).length);
process.stdout.write(JSON.stringify(out));
