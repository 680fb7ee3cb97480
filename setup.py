"""Ships the task set and its graded anchors inside the wheel, as `xpert_pytest/bundled/`.

The data stays at the top of the repository (`benchmark/`, `exemplars/`), where contributors
edit it and the Hub card lives; the build copies it into the package so that an installed
XpertBench runs without a checkout. Everything else is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
BUNDLED = ("benchmark", "exemplars")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        target = Path(self.build_lib) / "xpert_pytest" / "bundled"
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
