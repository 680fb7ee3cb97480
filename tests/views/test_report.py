"""Reports rendered from real results and opened in headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests import factory
from xpert_pytest.views.report import render_comparison, render_run
from xpert_pytest.numbers.results import RunResult, read_results
from xpert_pytest.plugin.session import XpertSession
from xpert_pytest.plugin.settings import Settings

ARTIFACTS = Path(__file__).resolve().parents[2] / "reports" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
HOSTILE = '<script>window.__pwned = 1</script><img src="https://example.invalid/x.png" onerror="window.__pwned = 2">'


def _replay_run(root: Path) -> tuple[RunResult, Path]:
    """A real anchor-replay run whose answers and titles carry markup that must stay text."""
    tasks = factory.standard_tasks()
    tasks[1]["title"] = "Contract review <b>bold</b> & co"
    anchors = factory.standard_anchors(tasks)
    anchors[1]["response"] = f"My memo. {HOSTILE} End of memo."
    factory.write_dataset(root, tasks, anchors)
    settings = Settings(model="xpert/anchor", judges=["xpert/expert"], dataset=str(root / "benchmark"),
                        report_dir=root / "reports", cache=None)
    session = XpertSession(settings)
    try:
        session.start(session.bench.tasks)
        for task in session.bench.tasks:
            session.record(session.engine.result(task))
        finished = session.finish(0)
    finally:
        session.close()
    assert finished.report is not None
    return finished.run, finished.report


def test_run_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    run, report = _replay_run(tmp_path)
    html = report.read_text(encoding="utf-8")
    assert "Contract review &lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert "<script>window.__pwned" not in html and "example.invalid" not in html  # answers travel compressed
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert read_results(report.parent / "results.json") == run


def test_report_size_stays_small_at_full_scale(tmp_path: Path) -> None:
    run, _ = _replay_run(tmp_path)
    big = run.model_copy(update={"tasks": [t.model_copy(update={"task_id": f"{t.task_id}-{i:04d}"})
                                           for i in range(449) for t in run.tasks]})
    path = render_run(big, tmp_path / "big")
    assert len(big.tasks) == 1347
    assert path.stat().st_size < 15 * 1024 * 1024


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def test_run_report_in_chromium(tmp_path: Path, browser) -> None:
    _, report = _replay_run(tmp_path)
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report.as_uri())

    assert page.locator("svg.chart").count() == 4
    assert page.locator("svg.chart .bar").count() >= 3 + 3 + 2
    assert page.locator("#task-table tbody tr").count() == 3
    assert "Replay of graded anchors" in page.locator("#replay-note").inner_text()

    page.select_option("#f-domain", "law")
    assert page.locator("#task-table tbody tr:visible").count() == 1
    assert page.locator("#f-count").inner_text() == "1 shown"
    page.select_option("#f-domain", "")
    page.select_option("#f-verdict", "fail")
    assert page.locator("#task-table tbody tr:visible").count() == 2
    page.select_option("#f-verdict", "")
    page.fill("#f-search", "__pwned")
    page.wait_for_function("document.getElementById('f-count').textContent === '1 shown'")
    page.fill("#f-search", "")

    page.locator("#task-table tbody tr", has_text="law-t-0001").click()
    page.wait_for_selector("#checkpoints")
    assert HOSTILE in page.locator("#detail pre.answer").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#checkpoints tr.missed-essential").count() == 7  # law anchor misses c02..c14 (weight 9)
    page.locator("#task-table th", has_text="score").click()
    first = page.locator("#task-table tbody tr").first.get_attribute("data-id")
    assert first == "fin-t-0001"  # lowest score first after sorting ascending

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "run-report.png"), full_page=True)
    assert not errors, errors
    assert requests and all(url.startswith("file://") for url in requests), requests
    page.close()


def test_comparison_report_in_chromium(tmp_path: Path, browser) -> None:
    first, _ = _replay_run(tmp_path / "a")
    worse = first.model_copy(update={
        "settings": first.settings.model_copy(update={"model": "openai/other"}),
        "tasks": [t.model_copy(update={"score": (t.score or 0) - 0.1}) for t in first.tasks],
        "statistics": None,
    })
    path = render_comparison([worse, first], tmp_path / "compare")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    leaderboard = page.locator("#leaderboard tbody tr")
    assert leaderboard.count() == 2
    assert "xpert/anchor" in leaderboard.first.inner_text()
    assert page.locator("#domain-heat td.cell").count() == 2 * 3
    assert page.locator("#dimension-heat td.cell").count() == 2 * 2
    assert "+10.0 pp" in page.locator("#pairs tbody").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "comparison-report.png"), full_page=True)
    assert all(url.startswith("file://") for url in requests), requests
    page.close()
