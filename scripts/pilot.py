"""The pilot loop's tool: what a blind solver sees, what a grader sees, and the score that results.

Every view is rendered by the package's own prompt code, so a pilot answer is produced and
graded exactly as a model under test and ShotJudge would produce and grade it:

    python scripts/pilot.py check pilot/tasks/ID.json          schema + check script
    python scripts/pilot.py task pilot/tasks/ID.json           the model's prompt, verbatim
    python scripts/pilot.py judge pilot/tasks/ID.json ANSWER   the ShotJudge prompt for ANSWER
    python scripts/pilot.py score pilot/tasks/ID.json VERDICTS the verdicts parsed and scored

`judge --reference` grades the task's own reference answer (the reference check).
Pilot grading is zero-shot: a task has no anchor until its pilot answer becomes one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from xpert_pytest.data.schema import Task
from xpert_pytest.grading.judge import parse_verdicts
from xpert_pytest.grading.prompts import judge_messages, task_text

CHECKS = Path(__file__).resolve().parent.parent / "pilot" / "checks"


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
    for message in judge_messages(task, text, shots=[]):
        print(f"===== {message['role']} =====")
        print(message["content"])


def score(path: Path, verdicts: Path) -> int:
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
    args = parser.parse_args()
    if args.command == "check":
        return check(args.task)
    if args.command == "task":
        print(task_text(load(args.task)), end="")
        return 0
    if args.command == "judge":
        judge(args.task, None if args.reference else args.answer)
        return 0
    return score(args.task, args.verdicts)


if __name__ == "__main__":
    sys.exit(main())
