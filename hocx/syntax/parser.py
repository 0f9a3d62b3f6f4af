"""Statement-at-a-time HOC parser (language.md §1.1).

``parse_items(text, origin, symbols)`` is a generator: it cuts the token stream
into top-level items (a newline outside braces ends one), asks ``symbols``
what each NAME is *right before parsing that item*, parses it with lark LALR
(``grammar/hoc.lark``) and yields the typed AST.  The caller executes each
item before asking for the next one, so declarations change how later text
parses and a syntax error on line N leaves lines 1..N-1 executed -- just as
nrniv's yacc parser does.  Within an item the parser pulls its tokens one at a time
(``parse_stream``), so the first error in the text is the one reported and a bad token
early in a huge line costs nothing for the rest of it.  lark's tables and rule callbacks
are run by :mod:`.lalr`'s loop (identical results, a fraction of the time).
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator, Protocol

from lark import Lark, Token
from lark.exceptions import UnexpectedToken, VisitError
from lark.lexer import Lexer

from .. import _resources
from ..errors import HocError, HocSyntaxError, Span
from . import ast as A
from .lalr import fast_parser
from .lexer import tokenize
from .tables import build_parser
from .transform import Callbacks, ToAst

# interpreter kind -> token type
KIND_TOKEN = {
    None: "N_VAR", "var": "N_VAR", "array": "N_VAR", "str": "N_STR", "obj": "N_OBJ",
    "objarray": "N_OBJ", "sec": "N_SEC", "secarray": "N_SEC", "proc": "N_PROC",
    "func": "N_FUNC", "obfunc": "N_OBFUNC", "iterator": "N_ITER", "template": "N_TEMPLATE",
    "bfunc": "N_BFUNC", "bproc": "N_BPROC", "bstrfunc": "N_BSTRFUNC",
    "bobjfunc": "N_BOBJFUNC", "range": "N_RANGE", "secprop": "N_SECPROP", "mech": "N_VAR",
}
_DEF_KEYWORDS = {"K_PROC", "K_FUNC", "K_OBFUNC", "K_ITERATOR"}


class Symbols(Protocol):
    """What the lexer asks the interpreter about names."""

    def kind_of(self, name: str) -> str | None: ...          # a key of KIND_TOKEN
    def is_mechanism(self, name: str) -> bool: ...


class NoSymbols:
    """Every name undefined (used when no interpreter is at hand)."""

    def kind_of(self, name: str) -> str | None:
        return None

    def is_mechanism(self, name: str) -> bool:
        return False


class TokenFeed(Lexer):
    """lark "lexer" that hands over the already classified tokens of one item."""

    def __init__(self, lexer_conf):
        pass

    def lex(self, data):
        return iter(data)


#: the grammar file and the lark options its tables are built with (setup.py writes
#: the packaged tables from these)
GRAMMAR = "hoc.lark"
PARSER_OPTIONS = dict(start="item", parser="lalr", lexer=TokenFeed, maybe_placeholders=False)

_LARK: Lark | None = None
_BUILDER = ToAst()


def lark_parser() -> Lark:
    """The LALR parser; it builds our AST directly while reducing (no lark tree)."""
    global _LARK
    if _LARK is None:
        # the LALR tables come from checked JSON (never pickle): see syntax/tables.py
        _LARK = build_parser(_resources.grammar_text(GRAMMAR), GRAMMAR,
                             packaged_dir=_resources.packaged_dir("grammar"),
                             transformer=Callbacks(_BUILDER), **PARSER_OPTIONS)
    return _LARK


_FAST: Callable[[list[Token]], A.Node] | None = None


def fast_parse() -> Callable[[list[Token]], A.Node]:
    """The parse function: lark's tables and callbacks run by :mod:`.lalr` (same results)."""
    global _FAST
    if _FAST is None:
        parser = lark_parser()
        try:
            _FAST = fast_parser(parser)
        except (AttributeError, KeyError, TypeError, ValueError):   # a lark whose insides differ
            _FAST = parser.parse
    return _FAST


def split_items(tokens: Iterator[Token]) -> Iterator[list[Token]]:
    """Group raw tokens into top-level items: each ends with an NL outside braces."""
    item: list[Token] = []
    depth = 0
    for tok in tokens:
        item.append(tok)
        t = tok.type
        if t == "LBRACE":
            depth += 1
        elif t == "RBRACE":
            depth -= 1
        elif t == "NL" and depth <= 0:
            yield item
            item = []
            depth = 0
    if item:
        yield item


def classify(item: list[Token], symbols: Symbols, origin: str, lines: list[str]) -> list[Token]:
    """Give every NAME token its kind (N_VAR, N_SEC, ...) from the live symbol table.

    Names declared inside the item itself are honoured the way yacc's actions do:
    ``strdef`` declares at parse time, and ``local``/``localobj`` names shadow
    other kinds for the rest of a definition.
    """
    return list(classify_stream(item, symbols, origin, lines))


def classify_stream(item: Iterable[Token], symbols: Symbols, origin: str,
                    lines: list[str]) -> Iterator[Token]:
    """:func:`classify` one token at a time, as the parser pulls them."""
    local_kind: dict[str, str] = {}
    in_def = None
    decl: str | None = None          # "local" | "localobj" | "strdef" while reading a name list
    expect_name = False
    prev = None
    for tok in item:
        t = tok.type
        if in_def is None:
            in_def = t in _DEF_KEYWORDS
        if t == "NAME":
            name = tok.value
            if decl is not None and not expect_name:
                decl = None
            if decl is not None:
                expect_name = False
                if decl == "strdef":
                    local_kind[name] = "N_STR"
                elif decl == "local":
                    local_kind[name] = "N_VAR"
                else:
                    local_kind[name] = "N_OBJ"
                typ = KIND_TOKEN.get(symbols.kind_of(name), "N_VAR")
            elif prev is not None and prev.type in ("K_INSERT", "K_UNINSERT"):
                if not symbols.is_mechanism(name):
                    line = lines[tok.line - 1] if 0 < tok.line <= len(lines) else None
                    raise HocSyntaxError(
                        f"{name} is not a MECHANISM",
                        Span(origin, tok.line, tok.column, tok.end_line, tok.end_column),
                        source_line=line, hint=_mech_hint(symbols, name))
                typ = "N_MECH"
            elif prev is not None and prev.type == "K_NEW":
                k = symbols.kind_of(name)
                typ = "N_TEMPLATE" if k == "template" else "N_VAR"
            elif name in local_kind:
                typ = local_kind[name]
            else:
                typ = KIND_TOKEN.get(symbols.kind_of(name), "N_VAR")
            tok.type = typ           # raw tokens are ours and used once: retype in place
        elif t in ("K_LOCAL", "K_LOCALOBJ") and in_def:
            decl, expect_name = ("local" if t == "K_LOCAL" else "localobj"), True
        elif t == "K_STRDEF":
            decl, expect_name = "strdef", True
        elif t == "COMMA" and decl is not None:
            expect_name = True
        else:
            decl = None
        yield tok
        prev = tok


def _mech_hint(symbols: Symbols, name: str) -> str | None:
    from ..errors import suggest

    explain = getattr(symbols, "mechanism_hint", None)     # why a .mod did not load, ...
    if explain is not None:
        try:
            return explain(name)
        except Exception:  # noqa: BLE001 - a hint must never break error reporting
            return None
    known = getattr(symbols, "mechanism_names", None)
    if known is None:
        return None
    try:
        best = suggest(name, known())
    except Exception:  # noqa: BLE001 - a hint must never break error reporting
        return None
    return f"did you mean '{best}'?" if best else None


def parse_tokens(tokens: list[Token], origin: str, lines: list[str]) -> A.Node:
    """Parse one classified top-level item into its AST node."""
    return _parse(tokens, tokens, origin, lines)


def _parse(feed: Iterable[Token], tokens: list[Token], origin: str, lines: list[str]) -> A.Node:
    """Parse the tokens ``feed`` gives; ``tokens`` holds (at least) those it has given."""
    parse = fast_parse()
    _BUILDER.origin, _BUILDER.lines = origin, lines
    try:
        return parse(feed)
    except UnexpectedToken as e:
        if e.token.type != "$END":
            prev = next((tokens[i - 1] for i, t in enumerate(tokens) if t is e.token and i > 0), None)
            raise _syntax_error(e.token, origin, lines, prev) from None
        err = _syntax_error(tokens[-1] if tokens else None, origin, lines)
        err.incomplete = True
        err.message = "syntax error (unexpected end of input)"
        depth = sum(1 if t.type == "LBRACE" else -1 if t.type == "RBRACE" else 0 for t in tokens)
        err.hint = f"{depth} '{{' not closed" if depth > 0 else None
        raise err from None
    except VisitError as e:  # pragma: no cover - callbacks raise HocError directly
        if isinstance(e.orig_exc, HocError):
            raise e.orig_exc from None
        raise


def _syntax_error(tok: Token | None, origin: str, lines: list[str],
                  prev: Token | None = None) -> HocSyntaxError:
    if tok is None or tok.line is None:
        return HocSyntaxError("syntax error", None, incomplete=True)
    line = lines[tok.line - 1] if 0 < tok.line <= len(lines) else None
    span = Span(origin, tok.line, tok.column, tok.end_line, tok.end_column)
    what = {"NL": "end of line", "SEMI": "';'"}.get(tok.type)
    hint = None
    if tok.type == "SEMI":
        hint = "HOC does not use ';' to separate statements; put each one on its own line"
    elif tok.type == "K_ELSE":
        hint = "'else' must be on the same line as the end of the 'if' part"
    elif tok.type == "NL" and prev is not None and prev.type in ("RPAR", "N_SEC", "RSQB", "K_ELSE"):
        hint = "a statement or opening '{' must follow on the same line"
    elif tok.type == "NL":
        hint = "the statement is not finished at the end of the line"
    msg = "syntax error" if what is None else f"syntax error (unexpected {what})"
    return HocSyntaxError(msg, span, source_line=line, hint=hint)


def parse_items(text: str, origin: str = "<string>", symbols: Symbols | None = None,
                *, hx: bool = False, first_line: int = 1) -> Iterator[A.Node]:
    """Yield the AST of each top-level item of ``text``, classifying names lazily."""
    symbols = symbols or NoSymbols()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if first_line != 1:
        lines = [""] * (first_line - 1) + lines
    for node, _last in parse_stream(tokenize(text, origin, line=first_line, hx=hx),
                                    symbols, origin, lines):
        yield node


def parse_stream(raw: Iterator[Token], symbols: Symbols, origin: str,
                 lines: list[str]) -> Iterator[tuple[A.Node, Token]]:
    """``(node, last token)`` for each top-level item of the raw token stream ``raw``.

    Each item's tokens are classified and pulled by the parser as it goes, so a syntax
    error early in a long line stops there (as nrniv's yacc does) instead of tokenizing
    the rest of the item first; the next item is read only when the caller asks for it.
    """
    while True:
        first = next(raw, None)
        if first is None:
            return
        seen: list[Token] = []
        feed = classify_stream(_item_tokens(first, raw, seen), symbols, origin, lines)
        node = _parse(feed, seen, origin, lines)
        yield node, seen[-1]


def _item_tokens(first: Token, raw: Iterator[Token], seen: list[Token]) -> Iterator[Token]:
    """The raw tokens of one top-level item (see :func:`split_items`), from ``first`` on;
    each is also appended to ``seen``."""
    depth = 0
    tok = first
    while True:
        seen.append(tok)
        yield tok
        t = tok.type
        if t == "LBRACE":
            depth += 1
        elif t == "RBRACE":
            depth -= 1
        elif t == "NL" and depth <= 0:
            return
        tok = next(raw, None)
        if tok is None:
            return


def parse_text(text: str, origin: str = "<string>", symbols: Symbols | None = None,
               *, hx: bool = False) -> list[A.Node]:
    """Parse all of ``text`` at once (no execution in between), for tools and tests."""
    return list(parse_items(text, origin, symbols, hx=hx))


def is_complete(text: str, symbols: Symbols | None = None) -> bool:
    """False when ``text`` ends inside an open brace, string or comment: the REPL asks for more."""
    try:
        for item in split_items(tokenize(text, "<stdin>")):
            depth = sum(1 if t.type == "LBRACE" else -1 if t.type == "RBRACE" else 0 for t in item)
            if depth > 0:
                return False
    except HocSyntaxError as e:
        return not e.incomplete
    if text.rstrip("\n").endswith("\\"):
        return False
    return True
