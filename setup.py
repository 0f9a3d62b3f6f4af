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
#: modules whose parser tables ship in the wheel (a new grammar adds its module here)
TABLE_MODULES = ("hocx.syntax.parser", "hocx.syntax.nmodl.parser")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        for name in ("grammar", "stdlib"):
            src = ROOT / name
            dst = Path(self.build_lib) / "hocx" / "_data" / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst)
        self._write_parser_tables(Path(self.build_lib) / "hocx" / "_data" / "grammar")
        self._write_stdlib_translations(Path(self.build_lib) / "hocx" / "_data" / "stdlib")

    def _write_stdlib_translations(self, folder):
        """Ship the built-in mechanisms' translations (stdlib/pas.mod, hh.mod by hocx's own
        NMODL translator, keyed by content hash: hocx/interp/stdlib_mods.py), so an installed
        hocx never translates them at start-up."""
        import sys

        sys.path.insert(0, str(ROOT))
        try:
            from hocx.interp.stdlib_mods import write_shipped
            write_shipped(folder)
        except ImportError as e:    # no lark/numpy at build time: translated on first use
            print(f"hocx: stdlib translations not generated ({e})")
        finally:
            sys.path.remove(str(ROOT))

    def _write_parser_tables(self, folder):
        """Ship each parser's LALR tables as checked JSON (hocx/syntax/tables.py), so an
        installed hocx never builds them at start-up and never needs a writable cache."""
        import importlib
        import sys

        sys.path.insert(0, str(ROOT))
        try:
            from hocx import _resources
            from hocx.syntax.tables import write_tables
            for modname in TABLE_MODULES:   # each defines GRAMMAR and PARSER_OPTIONS
                mod = importlib.import_module(modname)
                write_tables(folder, _resources.grammar_text(mod.GRAMMAR), mod.GRAMMAR,
                             **mod.PARSER_OPTIONS)
        except ImportError as e:    # no lark at build time: hocx builds tables on first use
            print(f"hocx: parser tables not generated ({e})")
        finally:
            sys.path.remove(str(ROOT))


setup(cmdclass={"build_py": BuildPyWithData})
