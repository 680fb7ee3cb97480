"""ProfBench (NVIDIA, 2025) as a benchmark to run: report-writing tasks graded on expert rubrics.

Read from the same JSON Lines records as `profbench_labels` (its `Record` model, one task a line):
`task_id`, `domain`, `prompt`, `rubrics` of `{criterion_description, criterion_weight,
criterion_type, <model>_fulfilment}` and the reports `<model>_response` for o3, grok4 and r1-0528.

Each record becomes one task: the prompt is what the model under test answers, its domain the
domain, each criterion checkpoint `cNN` in file order, its first criterion type the dimension and
its published weight and types kept as tags. The three published reports, with the experts'
per-criterion fulfilment labels as verdicts, become the task's graded anchors, so ShotJudge
grades with human-labelled examples of that very task.

Weights and scoring as the released code (NVlabs/ProfBench, `score_report_generation.py`,
`weight_to_scale`) computes them: Critical 4, Major 3, Minor 2, Additional 1; a response's score
is the weight of the criteria it fulfils over the weight of all its criteria; a domain's score is
the mean over its tasks. All weights are positive, so this is the `xpertbench` ratio and needs
no clipping; the `profbench` rule (`data.rules`) names it. The released Overall is the mean of
the domain means, which equals our overall mean over tasks only when domains hold equally many
tasks (40 tasks over four domains are published; an even split is not confirmed offline); the
domain means are reported as the released code computes them.

Licence: the dataset card declares `license: other`, `license_name:
nvidia-evaluation-dataset-license`, the NVIDIA Evaluation Dataset License: not an open-source
licence; read its terms before use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xpert_pytest.data.dataset import (
    Benchmark,
    DataError,
    check_exemplars,
    fingerprint,
    validate_rows,
)
from xpert_pytest.data.formats.profbench_labels import EXPERT, MODELS, WEIGHTS, Record, slug
from xpert_pytest.data.schema import Exemplar
from xpert_pytest.data.taxonomy import Domain, Taxonomy
from xpert_pytest.data.formats.reading import dataset_name, files, read_records, tasks_of

NAME = "profbench"
LICENCE = "NVIDIA Evaluation Dataset License (the card's `license: other`; not an open-source licence)"
CATEGORY = "report"
AUTHOR = "ProfBench (NVIDIA, with domain experts)"


def dimension(types: tuple[str, ...]) -> str:
    return slug(types[0]) if types else "other"


def to_task(record: Record, source: str) -> dict[str, Any]:
    return {
        "id": slug(record.task_id),
        "domain": slug(record.domain),
        "category": CATEGORY,
        "title": record.task_id,
        "prompt": record.prompt,
        "language": "en",
        "rubric": [
            {
                "id": f"c{n:02d}",
                "text": c.criterion_description,
                "importance": "essential" if c.criterion_weight == "Critical" else "important",
                "weight": WEIGHTS[c.criterion_weight],
                "dimension": dimension(c.types),
                "tags": [f"criterion_weight:{c.criterion_weight}", *(f"criterion_type:{t}" for t in c.types)],
            }
            for n, c in enumerate(record.rubrics, start=1)
        ],
        "provenance": {
            "author": AUTHOR,
            "expert_reviewed": False,
            "license": "NVIDIA Evaluation Dataset License",
            "imported_from": f"{NAME}:{source}",
            "notes": "expert-written rubric as published; not reviewed for XpertBench",
        },
        "scoring": NAME,
    }


def anchors(record: Record, source: str) -> list[dict[str, Any]]:
    """The published reports with the experts' fulfilment labels, one graded anchor each."""
    return [
        {
            "task_id": slug(record.task_id),
            "response": record.response(model),
            "source": f"{NAME}:{source} {model}_response",
            "verdicts": [
                {
                    "checkpoint_id": f"c{n:02d}",
                    "met": c.fulfilled(model),
                    "rationale": f"expert label {model.replace('-', '_')}_fulfilment: {'yes' if c.fulfilled(model) else 'no'}",
                }
                for n, c in enumerate(record.rubrics, start=1)
            ],
            "graded_by": "ProfBench domain experts",
            "provenance": {"author": AUTHOR, "expert_reviewed": True, "reviewers": ["ProfBench annotators"],
                           "license": "NVIDIA Evaluation Dataset License", "imported_from": f"{NAME}:{source}"},
        }
        for model in MODELS
    ]


def taxonomy_of(records: list[Record]) -> Taxonomy:
    return Taxonomy(
        domains={slug(r.domain): Domain(title=r.domain, categories={CATEGORY: "Report"}, expert=EXPERT) for r in records},
        dimensions=sorted({dimension(c.types) for r in records for c in r.rubrics}),
    )


def load(location: str, exemplar_dir: str | None = None) -> Benchmark:
    if exemplar_dir is not None:
        raise DataError([f"{exemplar_dir}: --xpert-exemplars is not used for {NAME} sets (their anchors are the published, expert-labelled reports)"])
    paths = files(location)
    problems: list[str] = []
    records = read_records(paths, Record, "task_id", problems, "ProfBench tasks")
    taxonomy = taxonomy_of([record for _, record in records])
    tasks = tasks_of(records, to_task, taxonomy, problems)
    anchor_rows = [(where, anchor) for where, record in records for anchor in anchors(record, Path(where.path).name)]
    exemplars = check_exemplars(list(validate_rows(Exemplar, anchor_rows, "task_id", problems)), {t.id: t for t in tasks}, problems)
    if problems:
        raise DataError(problems)
    return Benchmark(
        name=dataset_name(location),
        tasks=tasks,
        exemplars=exemplars,
        fingerprint=fingerprint(paths),
        taxonomy=taxonomy,
        where={slug(record.task_id): where for where, record in records},
        exemplars_source=f"{NAME}: the published reports with their expert labels",
        format=NAME,
        scoring=NAME,
    )
