// Drives a Doorkeep server with Keycloak's own @keycloak/keycloak-admin-client and prints one JSON
// object: what each call answered. tests/interop/test_keycloak_admin_client.py starts the server,
// seeds offline sessions, runs this script and asserts on the output.
//
//   node scenario.mjs BASE_URL REALM CLIENT_ID USERNAME
import KcAdminClient from "@keycloak/keycloak-admin-client";

const [baseUrl, realm, clientId, username] = process.argv.slice(2);
const kc = new KcAdminClient({ baseUrl, realmName: "master" });
await kc.auth({ grantType: "password", clientId: "admin-cli", username: "admin", password: "admin" });
kc.setConfig({ realmName: realm });

const out = {};
async function step(name, call) {
  try {
    const value = await call();
    out[name] = { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    out[name] = { ok: false, status: error?.response?.status ?? null, message: String(error?.message ?? error) };
  }
}

await step("serverInfo", async () => {
  const info = await kc.serverInfo.find();
  return { version: info.systemInfo.version, loginThemes: info.themes.login.map((t) => t.name),
           mapperTypes: info.protocolMapperTypes["openid-connect"].map((m) => m.id) };
});
await step("updateConfigEvents", () => kc.realms.updateConfigEvents({ realm }, {
  eventsEnabled: true, adminEventsEnabled: true, adminEventsDetailsEnabled: true }));
await step("getConfigEvents", () => kc.realms.getConfigEvents({ realm }));
await step("getKeys", async () => {
  const keys = await kc.realms.getKeys({ realm });
  return { active: keys.active, kinds: keys.keys.map((k) => `${k.type}/${k.algorithm}/${k.status}`) };
});
await step("findClient", async () => (await kc.clients.find({ clientId }))[0]);
const client = out.findClient.value;
await step("updateClient", () => kc.clients.update({ id: client.id }, { ...client, description: "changed by kc-admin-client" }));
await step("getOfflineSessionCount", () => kc.clients.getOfflineSessionCount({ id: client.id }));
await step("listOfflineSessions", () => kc.clients.listOfflineSessions({ id: client.id, first: 0, max: 10 }));
await step("getSessionCount", () => kc.clients.getSessionCount({ id: client.id }));
await step("listSessions", () => kc.clients.listSessions({ id: client.id }));
await step("clientSessionStats", () => kc.realms.getClientSessionStats({ realm }));
await step("clientPushRevocation", () => kc.clients.pushRevocation({ id: client.id }));
await step("findUser", async () => (await kc.users.find({ username, exact: true }))[0]);
const user = out.findUser.value;
await step("countUsers", () => kc.users.count({ search: username }));
await step("userOfflineSessions", () => kc.users.listOfflineSessions({ id: user.id, clientId: client.id }));
await step("listConsents", () => kc.users.listConsents({ id: user.id }));
await step("findUsersWithRole", async () => (await kc.roles.findUsersWithRole({ name: `default-roles-${realm}`, first: 0, max: 5 }))
  .map((u) => u.username));
await step("createUser", () => kc.users.create({ username: "made-by-node", enabled: true,
  credentials: [{ type: "password", value: "node-secret-pw", temporary: false }] }));
await step("resetPassword", () => kc.users.resetPassword({ id: out.createUser.value.id,
  credential: { type: "password", value: "node-secret-pw2", temporary: false } }));
await step("revokeConsent", () => kc.users.revokeConsent({ id: user.id, clientId }));
await step("offlineCountAfterRevoke", () => kc.clients.getOfflineSessionCount({ id: client.id }));
await step("pushRevocation", () => kc.realms.pushRevocation({ realm }));
await step("logoutUser", () => kc.users.logout({ id: user.id }));
await step("logoutAll", () => kc.realms.logoutAll({ realm }));
await step("findEvents", async () => (await kc.realms.findEvents({ realm, max: 50 })).map((e) => e.type));
await step("findAdminEvents", async () => (await kc.realms.findAdminEvents({ realm, max: 100 }))
  .map((e) => ({ op: e.operationType, type: e.resourceType, path: e.resourcePath ?? null,
                 representation: e.representation ?? null, auth: e.authDetails })));
await step("findAdminEventsFiltered", async () => (await kc.realms.findAdminEvents({
  realm, operationTypes: "ACTION", resourceTypes: "USER" })).map((e) => e.resourcePath));
await step("clearAdminEvents", () => kc.realms.clearAdminEvents({ realm }));
await step("adminEventsAfterClear", () => kc.realms.findAdminEvents({ realm }));
await step("getFlows", async () => (await kc.authenticationManagement.getFlows()).map((f) => f.alias));
await step("getExecutions", async () => (await kc.authenticationManagement.getExecutions({ flow: "direct grant" }))
  .map((e) => [e.displayName, e.requirement, e.level]));
await step("deleteUser", () => kc.users.del({ id: out.createUser.value.id }));
const KEY_PROVIDER = "org.keycloak.keys.KeyProvider";
await step("findKeyProviders", async () => (await kc.components.find({ type: KEY_PROVIDER })).map((c) => c.name).sort());
await step("createKeyProvider", () => kc.components.create({ name: "node-rotated", providerId: "rsa-generated",
  providerType: KEY_PROVIDER, config: { priority: ["500"] } }));
const made = out.createKeyProvider.value;
await step("activeAfterCreate", async () => (await kc.realms.getKeys({ realm })).keys
  .filter((k) => k.providerId === made.id).map((k) => k.status));
await step("updateKeyProvider", async () => kc.components.update({ id: made.id },
  { ...(await kc.components.findOne({ id: made.id })), config: { priority: ["500"], active: ["false"] } }));
await step("findOneKeyProvider", async () => (await kc.components.findOne({ id: made.id })).config);
await step("deleteKeyProvider", () => kc.components.del({ id: made.id }));
await step("userStorageNotImplemented", () => kc.components.create({ name: "ldap", providerId: "ldap",
  providerType: "org.keycloak.storage.UserStorageProvider", config: {} }));
await step("createWholeRealm", async () => {
  await kc.realms.create({ realm: "node-made", enabled: true,
    roles: { realm: [{ name: "node-reader" }] },
    clients: [{ clientId: "node-app", secret: "node-app-secret", publicClient: false, directAccessGrantsEnabled: true }],
    users: [{ username: "nora", enabled: true, realmRoles: ["node-reader"],
              credentials: [{ type: "password", value: "nora-password", temporary: false }] }] });
  kc.setConfig({ realmName: "node-made" });
  const found = { clients: (await kc.clients.find({ clientId: "node-app" })).map((c) => c.clientId),
                  users: (await kc.users.find({ username: "nora", exact: true })).map((u) => u.username) };
  kc.setConfig({ realmName: realm });
  return found;
});
await step("partialImport", () => kc.realms.partialImport({ realm: "node-made", rep: { ifResourceExists: "SKIP",
  users: [{ username: "nora", enabled: true }, { username: "nick", enabled: true }] } }));
await step("deleteWholeRealm", () => kc.realms.del({ realm: "node-made" }));

console.log(JSON.stringify(out));
