"""The Hugging Face side of the dataset: card front matter, explicit features, publishing.

Features are declared rather than inferred: inference types an all-empty `reviewers` list as
null and reads ISO dates as timestamps, and then the `all` config cannot merge the domain files.
The card's YAML and its statistics section are generated from the data (`xpert card`), so the
card cannot drift from what it describes; `xpert validate` reports a stale card. The one part
of the YAML that is not generated is the `taxonomy:` block: the card declares it, the loader
reads it, and a regenerated card carries it over as it was read.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from xpert_pytest.data.dataset import Benchmark
from xpert_pytest.data.stats import compute, markdown
from xpert_pytest.data.taxonomy import CARD_KEY

STATS_START = "<!-- xpert:stats:start -->"
STATS_END = "<!-- xpert:stats:end -->"
SPLIT = "test"


class PublishError(Exception):
    pass


def _provenance() -> dict[str, Any]:
    from datasets import List, Value

    return {
        "author": Value("string"),
        "expert_reviewed": Value("bool"),
        "reviewers": List(Value("string")),
        "license": Value("string"),
        "created": Value("date32"),
        "canary": Value("string"),
        "imported_from": Value("string"),
        "notes": Value("string"),
    }


def task_features() -> Any:
    from datasets import Features, List, Value

    return Features(
        {
            "id": Value("string"),
            "domain": Value("string"),
            "category": Value("string"),
            "subcategory": Value("string"),
            "title": Value("string"),
            "prompt": Value("string"),
            "attachments": List({"name": Value("string"), "content": Value("string")}),
            "reference_answer": Value("string"),
            "language": Value("string"),
            "rubric": List(
                {
                    "id": Value("string"),
                    "text": Value("string"),
                    "importance": Value("string"),
                    "weight": Value("int64"),
                    "dimension": Value("string"),
                }
            ),
            "provenance": _provenance(),
        }
    )


def exemplar_features() -> Any:
    from datasets import Features, List, Value

    return Features(
        {
            "task_id": Value("string"),
            "response": Value("string"),
            "source": Value("string"),
            "verdicts": List({"checkpoint_id": Value("string"), "met": Value("bool"), "rationale": Value("string")}),
            "graded_by": Value("string"),
            "provenance": _provenance(),
        }
    )


def front_matter(bench: Benchmark, with_exemplars: bool = False) -> dict[str, Any]:
    domains = [d for d in bench.taxonomy.domains if any(t.domain == d for t in bench.tasks)]
    languages = sorted({t.language.split("-")[0] for t in bench.tasks})
    configs: list[dict[str, Any]] = [
        {"config_name": "all", "default": True, "data_files": [{"split": SPLIT, "path": "data/*.jsonl"}]}
    ] + [{"config_name": d, "data_files": [{"split": SPLIT, "path": f"data/{d}.jsonl"}]} for d in domains]
    info = [{"config_name": c["config_name"], "features": task_features()._to_yaml_list()} for c in configs]
    if with_exemplars:
        configs.append({"config_name": "exemplars", "data_files": [{"split": SPLIT, "path": "exemplars/*.jsonl"}]})
        info.append({"config_name": "exemplars", "features": exemplar_features()._to_yaml_list()})
    return {
        "license": "cc-by-4.0",
        "pretty_name": "XpertBench (open task set)",
        "language": languages,
        "task_categories": ["text-generation"],
        "tags": ["benchmark", "rubric", "llm-as-a-judge", "expert-tasks"],
        "size_categories": ["n<1K"] if len(bench.tasks) < 1000 else ["1K<n<10K"],
        CARD_KEY: bench.taxonomy.card_block(),
        "configs": configs,
        "dataset_info": info,
    }


def render_card(card_text: str, bench: Benchmark, with_exemplars: bool = False) -> str:
    """The card with its YAML front matter and statistics section regenerated; the prose is kept."""
    import yaml

    body = re.sub(r"\A---\n.*?\n---\n", "", card_text, count=1, flags=re.DOTALL)
    stats = f"{STATS_START}\n{markdown(compute(bench))}\n{STATS_END}"
    if STATS_START in body and STATS_END in body:
        body = re.sub(re.escape(STATS_START) + r".*?" + re.escape(STATS_END), lambda _: stats, body, flags=re.DOTALL)
    meta = yaml.safe_dump(front_matter(bench, with_exemplars), sort_keys=False, allow_unicode=True)
    return f"---\n{meta}---\n{body}"


def stage(bench: Benchmark, dataset_dir: Path, exemplar_dir: Path | None, dest: Path) -> Path:
    """A copy of the dataset folder with the exemplars added as their own config."""
    shutil.copytree(dataset_dir / "data", dest / "data")
    if exemplar_dir is not None:
        shutil.copytree(exemplar_dir, dest / "exemplars", ignore=shutil.ignore_patterns("*.md"))
    card = (dataset_dir / "README.md").read_text(encoding="utf-8")
    (dest / "README.md").write_text(render_card(card, bench, with_exemplars=exemplar_dir is not None), encoding="utf-8")
    return dest


def publish(bench: Benchmark, dataset_dir: Path, exemplar_dir: Path | None, repo_id: str, private: bool) -> str:
    from huggingface_hub import HfApi
    from huggingface_hub.errors import OfflineModeIsEnabled

    with tempfile.TemporaryDirectory(prefix="xpert-publish-") as tmp:
        folder = stage(bench, dataset_dir, exemplar_dir, Path(tmp))
        api = HfApi()
        try:
            api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
            commit = api.upload_folder(folder_path=str(folder), repo_id=repo_id, repo_type="dataset",
                                       commit_message=f"Publish XpertBench ({bench.fingerprint})")
        except OfflineModeIsEnabled as exc:
            raise PublishError(
                f"cannot publish to {repo_id}: Hugging Face Hub offline mode is on (HF_HUB_OFFLINE=1); "
                f"the staged dataset was valid. Unset HF_HUB_OFFLINE and log in (hf auth login) to publish."
            ) from exc
        except Exception as exc:  # network, auth and permission errors come in many types
            raise PublishError(f"cannot publish to {repo_id}: {type(exc).__name__}: {exc}") from exc
    return str(commit.commit_url if hasattr(commit, "commit_url") else commit)
