"""The built wheel works outside the checkout: it carries the task set and anchors, leaves a
project's own tests alone, and runs every shipped task with `xpert/anchor`.

The fresh venv gets only the wheel; its dependencies come from this test environment through a
path file, so the test stays offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_installed_wheel_runs_the_packaged_benchmark(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PYTHON"))}
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(REPO)], REPO, env)
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("xpertbench-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    installed = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)], tmp_path, env)
    assert installed.returncode == 0, installed.stderr
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, env).stdout.strip())
    (site / "_xpert_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")

    project = tmp_path / "team-project"
    project.mkdir()
    (project / "test_own.py").write_text("def test_own():\n    assert True\n", encoding="utf-8")
    own = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert own.returncode == 0 and "1 passed" in own.stdout, own.stdout + own.stderr

    where = _run([str(python), "-c", "import xpert_pytest; print(xpert_pytest.__file__)"], project, env).stdout
    assert str(venv) in where  # the wheel's copy, not the checkout's
    shipped = sum(1 for f in (REPO / "benchmark" / "data").glob("*.jsonl") for line in f.read_text(encoding="utf-8").splitlines() if line.strip())
    run = _run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--xpert-model=xpert/anchor", "--xpert-no-report"], project, env)
    assert run.returncode in (0, 1), run.stdout + run.stderr  # anchors under the pass score fail their tests
    assert "dataset packaged (" in run.stdout
    results = json.loads(next((project / "reports").glob("*/results.json")).read_text(encoding="utf-8"))
    assert results["dataset_source"] == "packaged"
    assert len(results["tasks"]) == shipped and all(t["status"] == "scored" for t in results["tasks"])
