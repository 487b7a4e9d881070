"""Every process's BPMN export (what `manage.py flowexport --format bpmn` writes) passes bpmnlint's recommended
rules (.bpmnlintrc) with no error. `make test` installs bpmnlint from package.json (`npm ci`)."""

import importlib
import inspect
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from viewflow.workflow.fields import get_flow_ref
from viewflow.workflow.flow import Flow

ROOT = Path(__file__).resolve().parents[3]
BPMNLINT = ROOT / "node_modules" / ".bin" / "bpmnlint"


def project_flows() -> list[type[Flow]]:
    """Every Flow defined in a `flows` module of the project's apps."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith(("portal.", "workflows.")):
            continue
        try:
            module = importlib.import_module(f"{config.name}.flows")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.flows":
                raise
            continue
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and issubclass(value, Flow) and value.__module__ == module.__name__
        ]
    return found


FLOWS = project_flows()


def test_every_process_is_linted():
    assert {flow.__name__ for flow in FLOWS} >= {"LicenceFlow", "CardApplicationFlow", "BacsAllocationFlow"}


@pytest.mark.parametrize("flow_class", FLOWS, ids=[flow.__name__ for flow in FLOWS])
def test_the_bpmn_export_passes_bpmnlint(flow_class, tmp_path):
    assert BPMNLINT.exists(), "bpmnlint is not installed: run `npm ci` (make test does)"
    exported = tmp_path / f"{flow_class.__name__}.bpmn"
    call_command("flowexport", get_flow_ref(flow_class), "--format", "bpmn", "--output", str(exported))
    assert exported.read_text().startswith("<?xml"), "flowexport wrote no BPMN"
    lint = subprocess.run(  # noqa: S603 (our own file, our own tool)
        [str(BPMNLINT), str(exported)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert lint.returncode == 0, f"bpmnlint found errors in {flow_class.__name__}:\n{lint.stdout}{lint.stderr}"
