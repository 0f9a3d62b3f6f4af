"""Parse a HOC file item by item with a permissive, self-learning symbol table.

Used by the tests that check how much of NEURON's own library (read from the
installed ``neuron`` package at test time) hocx's parser accepts.  Nothing is
executed: names start with the kinds a fresh interpreter gives them (built-in
functions, classes, range variables), and declarations met while parsing
(``create``, ``objref``, ``strdef``, ``double``, definitions, ``begintemplate``)
are learned, so later items classify as nrniv would classify them.
"""
from __future__ import annotations

from pathlib import Path

from hocx.api import Session
from hocx.errors import HocError
from hocx.syntax import ast as A
from hocx.syntax.lexer import tokenize
from hocx.syntax.parser import classify, parse_tokens, split_items

_DECL_KIND = {"create": "sec", "objref": "obj", "strdef": "str", "double": "array",
              "sectionlist": "obj"}
_DEF_KIND = {"proc": "proc", "func": "func", "obfunc": "obfunc", "iterator": "iterator"}


class LearningSymbols:
    """Kinds from a live interpreter, overridden by what the parsed text declared."""

    def __init__(self, interp):
        self.interp = interp
        self.learned: dict[str, str] = {}
        self.template: dict[str, str] | None = None     # names of the template being read

    def kind_of(self, name: str):
        if self.template is not None:       # a template sees its own names, classes, built-ins
            k = self.template.get(name)
            if k is not None:
                return k
            if self.learned.get(name) == "template":
                return "template"
            k = self.interp.kind_of(name)
            return k if k == "template" or self.interp.is_builtin_name(name) else None
        k = self.learned.get(name)
        return k if k is not None else self.interp.kind_of(name)

    def _store(self, name: str, kind: str) -> None:
        (self.template if self.template is not None else self.learned)[name] = kind

    def is_mechanism(self, name: str) -> bool:
        return True                       # insert X: any name is taken as a mechanism

    def learn(self, node) -> None:
        if isinstance(node, A.Decl) and node.what in _DECL_KIND:
            for name, *_ in node.items:
                self._store(name, _DECL_KIND[node.what])
        elif isinstance(node, A.Definition):
            self._store(node.name, _DEF_KIND.get(node.kind, "proc"))
            for sub in node.body:
                self.learn(sub)
        elif isinstance(node, A.TemplateLine) and node.what == "begintemplate":
            for name in node.names:
                self.learned[name] = "template"
            self.template = {}
        elif isinstance(node, A.TemplateLine) and node.what == "endtemplate":
            self.template = None
        elif isinstance(node, A.TemplateLine) and node.what == "external" and self.template is not None:
            for name in node.names:         # top-level names the template may use
                k = self.learned.get(name) or self.interp.kind_of(name)
                if k is not None:
                    self.template[name] = k
        elif isinstance(node, A.TopLevel):
            self.learn(node.stmt)
        elif isinstance(node, A.Block):
            for sub in node.body:
                self.learn(sub)


def new_symbols() -> LearningSymbols:
    """Kinds as they stand after ``load_file("nrngui.hoc")``: NEURON's library files are
    loaded after it, and rely on the names it declares (``hoc_obj_``, ``tobj``, ...)."""
    s = Session(out=lambda s: None, err=lambda s: None)
    s.execute('{load_file("nrngui.hoc")}\n', "<legacy-parse>")
    if s.kind_of("hoc_obj_") is None:     # built into nrniv (not yet into hocx)
        s.execute("objref hoc_obj_[2]\n", "<legacy-parse>")
    return LearningSymbols(s)


def parse_file(path: Path, symbols: LearningSymbols | None = None) -> list[HocError]:
    """Every syntax error of ``path`` (an empty list: the whole file parses)."""
    symbols = symbols or new_symbols()
    text = path.read_text(encoding="latin-1")
    origin = path.name
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    errors: list[HocError] = []
    try:
        for item in split_items(tokenize(text, origin)):
            try:
                node = parse_tokens(classify(item, symbols, origin, lines), origin, lines)
            except HocError as e:
                errors.append(e)
                continue
            symbols.learn(node)
    except HocError as e:                 # the tokenizer stops at the first bad token
        errors.append(e)
    return errors


def neuron_share() -> Path | None:
    """``share/nrn`` of the installed neuron package, or None."""
    try:
        import importlib.util
        spec = importlib.util.find_spec("neuron")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        p = Path(base) / ".data" / "share" / "nrn"
        if p.is_dir():
            return p
    return None


def share_files() -> list[Path]:
    share = neuron_share()
    if share is None:
        return []
    return sorted(p for p in share.rglob("*") if p.suffix in (".hoc", ".ses") and p.is_file())
