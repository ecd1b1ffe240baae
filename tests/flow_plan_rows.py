"""Browser flows written as rows for realms.flow_plan's unit tests: flows by alias, each row (authenticator or
``@sub-flow alias``, requirement[, config]), the flow "top" compiled."""

from __future__ import annotations

from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_plan as fp
from doorkeep.realms.flow_model import AuthConfig, AuthFlow, Execution, FlowSet

Row = tuple[str, str] | tuple[str, str, dict[str, str]]
IDP = fp.IDP_REDIRECTOR
DEFAULT = {"defaultProvider": "kc"}


def compile_top(flows: dict[str, list[Row]]) -> fp.Plan:
    """Flows by alias, each row (authenticator or ``@sub-flow alias``, requirement[, config]); "top" compiled."""
    made = tuple(AuthFlow(f"id-{alias}", alias, None, af.BASIC, alias == "top", False) for alias in flows)
    executions, configs = [], []
    for alias, rows in flows.items():
        for index, row in enumerate(rows):
            config_id = f"cfg-{alias}-{index}" if len(row) == 3 else None
            if len(row) == 3 and config_id is not None:
                configs.append(AuthConfig(config_id, config_id, dict(row[2])))
            sub = row[0][1:] if row[0].startswith("@") else None
            executions.append(
                Execution(
                    f"e-{alias}-{index}",
                    f"id-{alias}",
                    row[1],
                    (index + 1) * 10,
                    None if sub else row[0],
                    f"id-{sub}" if sub else None,
                    config_id,
                )
            )
    found = FlowSet(made, tuple(executions), tuple(configs))
    top = found.by_alias("top")
    assert top is not None
    return fp.browser(found, top)


def kinds(plan: fp.Plan) -> list[tuple[str, bool, list[str]]]:
    """The plan's gates: action, REQUIRED, the kinds of their conditions."""
    return [(g.action, g.required, [c.kind for c in g.conditions]) for g in plan.gates]
