"""The text tables `xpert calibrate --labels` prints: judge configurations side by side (and, for
HealthBench, the physician panel), overall and per group, as figures with their 95 % CI.

The reports are the grading layer's (`human_labels.LabelsReport`, `fulfilment.FulfilmentReport`),
taken as they come, since views sit below grading."""

from __future__ import annotations

from typing import Any

from xpert_pytest.numbers.results import Interval
from xpert_pytest.views.terminal import printable

OVERALL = "overall"


def _cell(value: Interval | None) -> str:
    if value is None:
        return "n/a"
    if value.low is None or value.high is None:
        return f"{value.value:.3f} (n={value.n})"
    return f"{value.value:.3f} [{value.low:.3f}, {value.high:.3f}]"


def _judge(config: Any, category: str) -> str:
    found: Any = config.overall if category == OVERALL else config.by_category.get(category)
    return _cell(found.macro_f1 if found else None)


def _panel(panel: Any) -> str:
    if panel is None or panel.mean is None or panel.low is None or panel.high is None:
        return "n/a"
    return f"{_cell(panel.mean)} range {panel.low:.3f}–{panel.high:.3f} ({panel.physicians})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]


def fulfilment_lines(report: Any) -> list[str]:
    """ProfBench: one column per configuration; rows overall, per domain, per criterion type, bias."""
    lines = [
        f"{printable(report.labels)}: {report.lines} labelled criteria, {report.completions} reports, {report.tasks} tasks",
        f"metric: {report.method}",
    ]
    lines += [f"{printable(c.label)}: {c.graded} graded, {c.errors} errors" for c in report.configs]

    def f1(found: Any) -> str:
        return _cell(found.macro_f1 if found else None)

    rows = [["macro-F1 overall", *(f1(c.overall) for c in report.configs)]]
    for title, attribute in (("domain", "by_domain"), ("criterion type", "by_criterion_type")):
        names = sorted({name for c in report.configs for name in getattr(c, attribute)})
        rows += [[f"macro-F1 {title} {printable(n)}", *(f1(getattr(c, attribute).get(n)) for c in report.configs)] for n in names]
    models = sorted({m for c in report.configs for m in c.bias})
    rows += [[f"bias {m} (judge - expert)", *(_cell(c.bias.get(m)) for c in report.configs)] for m in models]
    rows.append(["bias index (max - min)", *(_cell(c.bias_index) for c in report.configs)])
    rows.append(["MF1 - BI", *(_cell(c.mf1_minus_bi) for c in report.configs)])
    return lines + _table(["", *(c.label for c in report.configs)], rows)


def labels_lines(report: Any) -> list[str]:
    lines = [
        f"{printable(report.labels)}: {report.lines} labelled criteria, {report.completions} completions, "
        f"{report.prompts} prompts, {report.physicians} physicians",
        f"metric: {report.method}",
    ]
    lines += [f"{printable(c.label)}: {c.graded} graded, {c.errors} errors" for c in report.configs]
    header = ["category", *(c.label for c in report.configs), "physicians, leave-one-out: mean [CI] range (n)"]
    rows = [[OVERALL, *(_judge(c, OVERALL) for c in report.configs), _panel(report.panel)]]
    rows += [
        [printable(category), *(_judge(c, category) for c in report.configs), _panel(panel)]
        for category, panel in report.panel_by_category.items()
    ]
    return lines + _table(header, rows)
