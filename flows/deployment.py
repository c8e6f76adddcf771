"""The `publish-dataset/scheduled` deployment as declared in prefect.yaml, and serving it from one process.

prefect.yaml is the single place where the schedule, the default parameters and the concurrency
limit are written down: `prefect deploy` reads it for workers, `tradenews serve` reads it here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PREFECT_YAML = ROOT / "prefect.yaml"
DEPLOYMENT = "scheduled"
# `tradenews serve` registers a deployment of its own: serving under the name of the work-pool deployment
# would overwrite it on the server without its work pool, and the worker would stop getting its runs.
SERVED = "served"
FLOW_NAME = "publish-dataset"
# Used only when prefect.yaml is not beside the package (an installed wheel rather than a checkout).
FALLBACK = {"cron": "0 6 * * *", "timezone": "UTC", "parameters": {"raw": "raw", "out": "datapackage"},
            "concurrency_limit": 1}


@dataclass
class DeploymentSpec:
    name: str
    cron: str | None
    timezone: str | None
    parameters: dict = field(default_factory=dict)
    concurrency_limit: int | None = None
    work_pool: str | None = None
    entrypoint: str | None = None
    description: str | None = None


def deployment_spec(path: Path = PREFECT_YAML, name: str = DEPLOYMENT) -> DeploymentSpec:
    if not path.exists():
        return DeploymentSpec(name, FALLBACK["cron"], FALLBACK["timezone"], dict(FALLBACK["parameters"]),
                              FALLBACK["concurrency_limit"])
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for dep in config.get("deployments") or []:
        if dep.get("name") == name:
            schedules = [s for s in dep.get("schedules") or [] if s.get("cron") and s.get("active", True)]
            first = schedules[0] if schedules else {}
            return DeploymentSpec(
                name=name, cron=first.get("cron"), timezone=first.get("timezone"),
                parameters=dict(dep.get("parameters") or {}), concurrency_limit=dep.get("concurrency_limit"),
                work_pool=(dep.get("work_pool") or {}).get("name"), entrypoint=dep.get("entrypoint"),
                description=dep.get("description"))
    raise KeyError(f"{path}: no deployment named {name!r}")


def serve(raw: str | None = None, out: str | None = None, cron: str | None = None,
          no_schedule: bool = False) -> None:
    """Serve the deployment publish-dataset/served (schedule, parameters and concurrency limit of
    publish-dataset/scheduled in prefect.yaml) from this process until interrupted (no work pool, no worker).
    The work-pool deployment publish-dataset/scheduled, if deployed, is left as it is.

    Relative raw/out folders are resolved against the current directory, as for `tradenews run`.
    """
    from prefect.client.schemas.schedules import CronSchedule

    from flows.publish import publish_dataset
    from tradenews.folders import allowed_roots, confine, resolve_folders

    spec = deployment_spec()
    params = dict(spec.parameters)
    if raw:
        params["raw"] = raw
    if out:
        params["out"] = out
    for key in ("raw", "out", "reports", "cache"):
        if params.get(key):
            params[key] = str(Path(params[key]).expanduser().resolve())
    # its runs are confined like every deployment run: refuse here, at once, rather than at every run
    folders = resolve_folders(params.get("raw", "raw"), params.get("out", "datapackage"), params.get("reports"),
                              params.get("cache"))
    confine(folders, allowed_roots(ROOT), cache_given=bool(params.get("cache")))
    cron = cron or spec.cron
    schedules = [] if no_schedule or not cron else [CronSchedule(cron=cron, timezone=spec.timezone or "UTC")]
    print(f"tradenews: serving {FLOW_NAME}/{SERVED} "
          f"({'schedule ' + cron + ' ' + (spec.timezone or 'UTC') if schedules else 'no schedule'}; "
          f"raw={params.get('raw')} out={params.get('out')}); "
          f"trigger a run with: prefect deployment run '{FLOW_NAME}/{SERVED}'", flush=True)
    publish_dataset.serve(
        name=SERVED, schedules=schedules, parameters=params, description=spec.description,
        global_limit=spec.concurrency_limit, pause_on_shutdown=False,
    )
