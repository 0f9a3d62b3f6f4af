"""Copy grammar/ and stdlib/ into the package so they ship inside the wheel.

The repository keeps them at the top level (grammar/hoc.lark, stdlib/*.hoc);
hocx loads them with importlib.resources from ``hocx/_data``.  In an editable or
source checkout ``hocx._resources`` falls back to the top-level folders.
"""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        for name in ("grammar", "stdlib"):
            src = ROOT / name
            dst = Path(self.build_lib) / "hocx" / "_data" / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst)


setup(cmdclass={"build_py": BuildPyWithData})
