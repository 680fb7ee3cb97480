"""The pilot loop's tool: what a blind solver sees, what a grader sees, and the score that results.

Every view is rendered by the package's own prompt code, so a pilot answer is produced and
graded exactly as a model under test and ShotJudge would produce and grade it:

    python scripts/pilot.py check pilot/tasks/ID.json          schema + check script
    python scripts/pilot.py task pilot/tasks/ID.json           the model's prompt, verbatim
    python scripts/pilot.py judge pilot/tasks/ID.json ANSWER   the ShotJudge prompt for ANSWER
    python scripts/pilot.py score pilot/tasks/ID.json VERDICTS the verdicts parsed and scored (--record: logged)

`judge --reference` grades the task's own reference answer (the reference check).
Pilot grading is zero-shot: a task has no anchor until its pilot answer becomes one.

    python scripts/pilot.py status                             every draft's rounds and scores
    python scripts/pilot.py promote ID --round N

moves a calibrated task into the benchmark: the record (with its `pilot` and
`reference_check`) to benchmark/data/<domain>.jsonl, round N's graded blind answer to
exemplars/<domain>.jsonl as the task's anchor, its check script to benchmark/checks/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

from xpert_pytest.data.schema import Exemplar, Task
from xpert_pytest.data.taxonomy import read_card
from xpert_pytest.grading.judge import parse_verdicts
from xpert_pytest.grading.prompts import judge_messages, task_text

ROOT = Path(__file__).resolve().parent.parent
PILOT = ROOT / "pilot"
CHECKS = PILOT / "checks"
SOLVER = "Claude (Anthropic), a fresh session given only the task text, no tools"
GRADER = (
    "AI grading pass: a separate fresh Claude (Anthropic) session through the ShotJudge prompt rendered by "
    "xpert_pytest.grading.prompts; checked by the maintainers' session, not by a credentialed expert"
)


def load(path: Path) -> Task:
    return Task.model_validate_json(path.read_text(encoding="utf-8"))


def check(path: Path) -> int:
    task = load(path)
    script = CHECKS / f"{task.id}.py"
    numeric = [c.id for c in task.rubric if c.tolerance]
    print(f"{task.id}: schema ok; {len(task.rubric)} checkpoints, {sum(c.weight for c in task.rubric)} weight, "
          f"{len(numeric)} with a tolerance, {len(task_text(task).split())} words in the prompt")
    if not script.exists():
        print(f"{task.id}: no check script at {script}" + (" (required: checkpoints carry tolerances)" if numeric else ""))
        return 1 if numeric else 0
    done = subprocess.run([sys.executable, str(script), str(path)], check=False)
    print(f"{task.id}: check script exit {done.returncode}")
    return done.returncode


def judge(path: Path, answer: Path | None) -> None:
    task = load(path)
    text = task.reference_answer if answer is None else answer.read_text(encoding="utf-8")
    taxonomy = read_card(ROOT / "benchmark" / "README.md")  # the vocabulary the task will be graded in
    for message in judge_messages(task, text, [], taxonomy):
        print(f"===== {message['role']} =====")
        print(message["content"])


def score(path: Path, verdicts: Path, record: bool = False) -> int:
    task = load(path)
    ids = [c.id for c in task.rubric]
    found, problem = parse_verdicts(verdicts.read_text(encoding="utf-8"), ids)
    if problem:
        print(f"{task.id}: {problem}")
        return 1
    met = {cid: v.met for cid, v in found.items()}
    for c in task.rubric:
        print(f"{'MET ' if met[c.id] else 'miss'} {c.id} w{c.weight:<2} {c.importance:<9} {c.text[:90]}")
    print(json.dumps({"task": task.id, "score": round(task.score(met), 4), "met": sum(met.values()), "total": len(ids)}))
    if record:
        record_round(task, verdicts, task.score(met), sum(met.values()))
    return 0


def _verdicts(task: Task, path: Path) -> dict[str, object]:
    found, problem = parse_verdicts(path.read_text(encoding="utf-8"), [c.id for c in task.rubric])
    if problem:
        raise SystemExit(f"{path}: {problem}")
    return found


def _upsert(path: Path, key: str, record: dict[str, object]) -> None:
    """Replace the line whose `key` matches the record's, or append it."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.strip() and json.loads(line)[key] != record[key]]
    kept.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def promote(task_id: str, round_no: int) -> int:
    task = load(PILOT / "tasks" / f"{task_id}.json")
    answer = (PILOT / "answers" / f"{task_id}.r{round_no}.md").read_text(encoding="utf-8")
    pilot = _verdicts(task, PILOT / "verdicts" / f"{task_id}.r{round_no}.json")
    reference = _verdicts(task, PILOT / "verdicts" / f"{task_id}.reference.json")
    today = dt.date.today()
    score = task.score({cid: v.met for cid, v in pilot.items()})
    record = Task.model_validate({
        **task.model_dump(),
        "pilot": {"score": round(score, 4), "source": f"blind pilot: {SOLVER}", "graded_by": GRADER, "date": today, "rounds": round_no},
        "reference_check": {"graded_by": GRADER, "date": today, "met": sum(v.met for v in reference.values()), "total": len(task.rubric)},
    })
    anchor = Exemplar(
        task_id=task.id,
        response=answer,
        source=f"blind pilot answer (round {round_no}, {today}): {SOLVER}; not written to fail at any checkpoint",
        verdicts=[v for v in pilot.values()],
        graded_by=GRADER,
        provenance=task.provenance,
    )
    _upsert(ROOT / "benchmark" / "data" / f"{task.domain}.jsonl", "id", record.model_dump(mode="json", exclude_none=True))
    _upsert(ROOT / "exemplars" / f"{task.domain}.jsonl", "task_id", anchor.model_dump(mode="json", exclude_none=True))
    if (CHECKS / f"{task.id}.py").exists():
        (ROOT / "benchmark" / "checks").mkdir(exist_ok=True)
        shutil.copy(CHECKS / f"{task.id}.py", ROOT / "benchmark" / "checks" / f"{task.id}.py")
    print(f"{task.id}: promoted with pilot {score:.1%} (round {round_no}); reference met "
          f"{record.reference_check.met}/{record.reference_check.total}")  # type: ignore[union-attr]
    return 0


def record_round(task: Task, verdicts: Path, score_value: float, met: int) -> None:
    """Append a graded round to pilot/rounds.jsonl: hardening rewrites the task, the history stays."""
    label = verdicts.stem.rsplit(".", 1)[1]
    entry = {"task": task.id, "round": label, "score": round(score_value, 4), "met": met, "total": len(task.rubric),
             "date": dt.date.today().isoformat()}
    with (PILOT / "rounds.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def status() -> int:
    """Every draft with each graded round's score: the pilot record so far."""
    log = PILOT / "rounds.jsonl"
    rounds: dict[str, dict[str, str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines() if log.exists() else []:
        entry = json.loads(line)
        value = f"{entry['met']}/{entry['total']}" if entry["round"] == "reference" else f"{entry['score']:.0%}"
        rounds.setdefault(entry["task"], {})[entry["round"]] = value
    for path in sorted((PILOT / "tasks").glob("*.json")):
        task = load(path)
        cells = "; ".join(f"{label} {value}" for label, value in rounds.get(task.id, {}).items()) or "not piloted"
        print(f"{task.id:<12} {task.language:<3} {task.kind:<13} {len(task.rubric):>3} cps  {cells}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "task", "judge", "score"):
        command = sub.add_parser(name)
        command.add_argument("task", type=Path)
        if name == "judge":
            group = command.add_mutually_exclusive_group(required=True)
            group.add_argument("answer", type=Path, nargs="?")
            group.add_argument("--reference", action="store_true")
        if name == "score":
            command.add_argument("verdicts", type=Path)
            command.add_argument("--record", action="store_true", help="append the result to pilot/rounds.jsonl")
    sub.add_parser("status")
    promote_command = sub.add_parser("promote")
    promote_command.add_argument("task_id")
    promote_command.add_argument("--round", type=int, required=True, dest="round_no")
    args = parser.parse_args()
    if args.command == "status":
        return status()
    if args.command == "promote":
        return promote(args.task_id, args.round_no)
    if args.command == "check":
        return check(args.task)
    if args.command == "task":
        print(task_text(load(args.task)), end="")
        return 0
    if args.command == "judge":
        judge(args.task, None if args.reference else args.answer)
        return 0
    return score(args.task, args.verdicts, args.record)


if __name__ == "__main__":
    sys.exit(main())
