// Port of Keycloak's js/libs/keycloak-admin-client/test/authenticationManagement.spec.ts (keycloak/keycloak @1274cb8b)
// to node:test, run against a Doorkeep server by tests/interop/test_keycloak_admin_client_specs_clients.py: a fresh
// realm; its required actions, their configs, the provider lists, the
// flows and the executions of a copy of "browser". Every `it` of the spec is kept, with the spec's expectations.
// Three run as `todo` (reported, not failing the run): the required action config tests compare max_auth_age to
// the numbers 300 and 301, but Keycloak 26's RequiredActionConfigRepresentation.config is a Map<String, String>,
// so no Keycloak 26 answers a number there (after the spec's own update to "301" it answers "301", as Doorkeep
// does); before that update Doorkeep answers UPDATE_PASSWORD's config without max_auth_age, as nobody wrote one
// (realms/required_action_config.py). The spec's random realm name is uniqueName("auth") here.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, uniqueName } from "./support.mjs";

const CONFIG_AS_NUMBERS = "max_auth_age compared to a number: a Map<String, String> in Keycloak 26";

describe("Authentication management", () => {
  let kc;
  let currentRealm;
  let provider;

  before(async () => {
    kc = await connect();
    currentRealm = uniqueName("auth");
    await kc.realms.create({ id: currentRealm, realm: currentRealm, enabled: true });
    kc.setConfig({ realmName: currentRealm });
  });

  after(async () => {
    await kc.realms.del({ realm: currentRealm });
    assert.equal(await kc.realms.findOne({ realm: currentRealm }), null);
  });

  describe("Required Actions", () => {
    const byAlias = () => kc.authenticationManagement.getRequiredActionForAlias({ alias: provider.providerId });

    it("should delete required action by alias", async () => {
      await kc.authenticationManagement.deleteRequiredAction({ alias: "UPDATE_PROFILE" });
    });

    it("should get unregistered required actions", async () => {
      const unregistered = await kc.authenticationManagement.getUnregisteredRequiredActions();
      assert.ok(Array.isArray(unregistered));
      assert.ok(unregistered.length >= 1);
      provider = unregistered[0];
    });

    it("should register new required action", async () => {
      const registered = await kc.authenticationManagement.registerRequiredAction({
        providerId: provider.providerId,
        name: provider.name,
      });
      assert.equal(registered, "");
    });

    it("should get required actions", async () => {
      assert.ok(Array.isArray(await kc.authenticationManagement.getRequiredActions()));
    });

    it("should get required action by alias", async () => {
      assert.ok(await byAlias());
    });

    it("should update required action by alias", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.updateRequiredAction(
        { alias: provider.providerId },
        { ...action, enabled: true, priority: 10 },
      );
      assert.equal(response, "");
    });

    it("should lower required action priority", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.lowerRequiredActionPriority({ alias: provider.providerId });
      assert.equal(response, "");
      assert.ok((await byAlias()).priority > action.priority);
    });

    it("should raise required action priority", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.raiseRequiredActionPriority({ alias: provider.providerId });
      assert.equal(response, "");
      assert.ok((await byAlias()).priority < action.priority);
    });

    it("should fetch config description for required action", async () => {
      const description = await kc.authenticationManagement.getRequiredActionConfigDescription({
        alias: "UPDATE_PASSWORD",
      });
      assert.ok(description);
      assert.ok(description.properties);
    });

    it("should fetch required action config for update password", { todo: CONFIG_AS_NUMBERS }, async () => {
      const actionConfig = await kc.authenticationManagement.getRequiredActionConfig({ alias: "UPDATE_PASSWORD" });
      assert.ok(actionConfig);
      assert.ok(actionConfig.config);
      assert.equal(actionConfig.config.max_auth_age, 300); // default max_auth_age for update password
    });

    it("should update required action config for update password", { todo: CONFIG_AS_NUMBERS }, async () => {
      await kc.authenticationManagement.updateRequiredActionConfig(
        { alias: "UPDATE_PASSWORD" },
        { config: { max_auth_age: "301" } },
      );
      const actionConfig = await kc.authenticationManagement.getRequiredActionConfig({ alias: "UPDATE_PASSWORD" });
      assert.ok(actionConfig);
      assert.ok(actionConfig.config);
      assert.equal(actionConfig.config.max_auth_age, 301); // updated value max_auth_age for update password
    });

    it("should reset required action config for update password", { todo: CONFIG_AS_NUMBERS }, async () => {
      await kc.authenticationManagement.removeRequiredActionConfig({ alias: "UPDATE_PASSWORD" });
      const actionConfig = await kc.authenticationManagement.getRequiredActionConfig({ alias: "UPDATE_PASSWORD" });
      assert.ok(actionConfig);
      assert.ok(actionConfig.config);
      assert.equal(actionConfig.config.max_auth_age, 300); // default max_auth_age for update password
    });

    it("should get client authenticator providers", async () => {
      const providers = await kc.authenticationManagement.getClientAuthenticatorProviders();
      assert.ok(providers);
      // Keycloak 26.6 lists its fifth ClientAuthenticator factory, federated-jwt (federated client authentication)
      assert.equal(providers.length, 5);
    });

    it("should fetch form providers", async () => {
      const formProviders = await kc.authenticationManagement.getFormActionProviders();
      assert.ok(formProviders);
      assert.equal(formProviders.length, 4);
    });

    it("should fetch authenticator providers", async () => {
      const providers = await kc.authenticationManagement.getAuthenticatorProviders();
      assert.ok(providers);
      assert.ok(providers.length > 1);
    });
  });

  describe("Flows", () => {
    it("should get the registered form providers", async () => {
      const formProviders = await kc.authenticationManagement.getFormProviders();
      assert.ok(formProviders);
      assert.equal(formProviders.length, 1);
      assert.equal(formProviders[0].displayName, "Registration Page");
    });

    it("should get authentication flows", async () => {
      const flows = await kc.authenticationManagement.getFlows();
      assert.deepEqual(
        flows.map((flow) => flow.alias),
        ["browser", "direct grant", "registration", "reset credentials", "clients", "first broker login", "docker auth"],
      );
    });

    it("should get authentication flow", async () => {
      const flows = await kc.authenticationManagement.getFlows();
      const flow = await kc.authenticationManagement.getFlow({ flowId: flows[0].id });
      assert.equal(flow.alias, "browser");
    });

    it("should create new authentication flow", async () => {
      const flow = "test";
      await kc.authenticationManagement.createFlow({
        alias: flow,
        providerId: "basic-flow",
        description: "",
        topLevel: true,
        builtIn: false,
      });
      const flows = await kc.authenticationManagement.getFlows();
      assert.ok(flows.find((f) => f.alias === flow));
    });

    const flowName = "copy of browser";
    it("should copy existing authentication flow", async () => {
      await kc.authenticationManagement.copyFlow({ flow: "browser", newName: flowName });
      const flows = await kc.authenticationManagement.getFlows();
      assert.ok(flows.find((f) => f.alias === flowName));
    });

    it("should update authentication flow", async () => {
      const flows = await kc.authenticationManagement.getFlows();
      const flow = flows.find((f) => f.alias === flowName);
      const description = "Updated description";
      flow.description = description;
      const updatedFlow = await kc.authenticationManagement.updateFlow({ flowId: flow.id }, flow);
      assert.equal(updatedFlow.description, description);
    });

    it("should delete authentication flow", async () => {
      let flows = await kc.authenticationManagement.getFlows();
      const flow = flows.find((f) => f.alias === flowName);
      await kc.authenticationManagement.deleteFlow({ flowId: flow.id });
      flows = await kc.authenticationManagement.getFlows();
      assert.equal(
        flows.find((f) => f.alias === flowName),
        undefined,
      );
    });
  });

  describe("Flow executions", () => {
    it("should fetch all executions for a flow", async () => {
      const executions = await kc.authenticationManagement.getExecutions({ flow: "browser" });
      assert.ok(executions.length > 5);
    });

    const flowName = "executionTest";
    it("should add execution to a flow", async () => {
      await kc.authenticationManagement.copyFlow({ flow: "browser", newName: flowName });
      const execution = await kc.authenticationManagement.addExecutionToFlow({
        flow: flowName,
        provider: "auth-otp-form",
      });
      assert.ok(execution.id);
    });

    it("should add flow to a flow", async () => {
      const flow = await kc.authenticationManagement.addFlowToFlow({
        flow: flowName,
        alias: "subFlow",
        description: "",
        provider: "registration-page-form",
        type: "basic-flow",
      });
      const executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      assert.ok(flow.id);
      assert.ok(executions.map((execution) => execution.displayName).includes("subFlow"));
    });

    it("should update execution to a flow", async () => {
      let executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      let execution = executions[executions.length - 1];
      const choice = execution.requirementChoices[1];
      execution.requirement = choice;
      await kc.authenticationManagement.updateExecution({ flow: flowName }, execution);
      executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      execution = executions[executions.length - 1];
      assert.equal(execution.requirement, choice);
    });

    it("should delete execution", async () => {
      let executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      const id = executions[0].id;
      await kc.authenticationManagement.delExecution({ id });
      executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      assert.equal(
        executions.find((ex) => ex.id === id),
        undefined,
      );
    });

    it("should raise priority of execution", async () => {
      let executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      let execution = executions[executions.length - 1];
      const priority = execution.index;
      await kc.authenticationManagement.raisePriorityExecution({ id: execution.id });
      executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      execution = executions.find((ex) => ex.id === execution.id);
      assert.equal(execution.index, priority - 1);
    });

    it("should lower priority of execution", async () => {
      let executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      let execution = executions[0];
      const priority = execution.index;
      await kc.authenticationManagement.lowerPriorityExecution({ id: execution.id });
      executions = await kc.authenticationManagement.getExecutions({ flow: flowName });
      execution = executions.find((ex) => ex.id === execution.id);
      assert.equal(execution.index, priority + 1);
    });

    it("should create, update and delete config for execution", async () => {
      const [execution] = await kc.authenticationManagement.getExecutions({ flow: flowName });
      const alias = "test";
      let config = await kc.authenticationManagement.createConfig({ id: execution.id, alias });
      config = await kc.authenticationManagement.getConfig({ id: config.id });
      assert.equal(config.alias, alias);

      const extraConfig = { defaultProvider: "sdf" };
      await kc.authenticationManagement.updateConfig({ ...config, config: extraConfig });
      config = await kc.authenticationManagement.getConfig({ id: config.id });
      assert.equal(config.config.defaultProvider, extraConfig.defaultProvider);

      await kc.authenticationManagement.delConfig({ id: config.id });
      await assert.rejects(kc.authenticationManagement.getConfig({ id: config.id }), "should not find deleted config");
    });

    it("should fetch config description for execution", async () => {
      const [execution] = await kc.authenticationManagement.getExecutions({ flow: flowName });
      const description = await kc.authenticationManagement.getConfigDescription({ providerId: execution.providerId });
      assert.ok(description);
      assert.equal(description.providerId, execution.providerId);
    });
  });
});
