"""A tight LALR(1) driver over the tables and rule callbacks of a lark parser.

lark's own loop (``ParserState.feed_token``) is generic: per item it builds a
lexer thread and parser state, per token it looks the type up in the callback
dict (hashing grammar rules), and every unit reduction of the expression ladder
(``expr -> or_expr -> ... -> atom``) calls an ``ExpandSingleChild`` wrapper that
returns its only child.  This driver runs the *same* tables with the *same*
callbacks, so every parse, value and error token is identical to lark's, but

* a reduction by a rule whose callback is a bare ``ExpandSingleChild`` over a
  one-symbol expansion (the result is the child itself) only changes state;
* shift and goto tables are plain ``dict[str, int]`` per state;
* nothing is built per item beyond the two stacks.

A syntax error raises lark's ``UnexpectedToken`` with the offending token, as
lark does (``$END`` when the input stops early).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from lark import Lark, Token
from lark.exceptions import UnexpectedToken
from lark.parse_tree_builder import ExpandSingleChild
from lark.parsers.lalr_analysis import Shift

_SHIFT = 0
_REDUCE = 1


class FastLALR:
    """``parse(tokens)`` with the tables of an LALR ``Lark`` built with a transformer."""

    __slots__ = ("_actions", "_start", "_end", "_expected", "_chains")

    def __init__(self, parser: Lark, start: str | None = None):
        inner = parser.parser.parser.parser          # ParsingFrontend -> LALR_Parser -> _Parser
        table = inner.parse_table
        callbacks: dict = inner.callbacks
        if start is None:
            (start,) = table.start_states
        self._start = table.start_states[start]
        self._end = table.end_states[start]
        if any(isinstance(k, str) for k in callbacks):   # token callbacks: not used by hocx
            raise ValueError("token callbacks are not supported")
        rule_info: dict[Any, tuple] = {}
        for rule, cb in callbacks.items():
            size = len(rule.expansion)
            identity = type(cb) is ExpandSingleChild and size == 1
            rule_info[rule] = (_REDUCE, size, rule.origin.name, None if identity else cb)
        # per state: terminal -> (SHIFT, state) | (REDUCE, size, lhs, callback|None);
        # nonterminal -> goto state (an int)
        actions: dict[Any, dict[str, Any]] = {}
        for state, row in table.states.items():
            out: dict[str, Any] = {}
            for sym, (action, arg) in row.items():
                if action is Shift:
                    out[sym] = arg if not sym.isupper() and not sym.startswith("$") else (_SHIFT, arg)
                else:
                    out[sym] = rule_info[arg]
            actions[state] = out
        self._actions = actions
        self._chains: dict[tuple[int, int, str], int] = {}    # (below, top, lookahead) -> top
        self._expected = {s: frozenset(k for k in row if k.isupper()) for s, row in table.states.items()}

    def _unit_chain(self, below: int, state: int, token_type: str) -> int:
        """The top state after every unit reduction that ``state`` (over ``below``) makes
        on ``token_type``; the next action there is a shift, a real reduction or an error."""
        actions = self._actions
        while True:
            act = actions[state].get(token_type)
            if act is None or act[0] == _SHIFT or act[3] is not None:
                return state
            state = actions[below][act[2]]

    def parse(self, tokens: Iterable[Token]) -> Any:
        """The value of the start rule for ``tokens`` (a list or any iterable: tokens are
        pulled one at a time, so a syntax error stops the pulling at the bad token)."""
        actions = self._actions
        chains = self._chains
        state = self._start
        state_stack = [state]
        value_stack: list = []
        push_state = state_stack.append
        push_value = value_stack.append
        row = actions[state]
        last = None
        for tok in tokens:
            last = tok
            while True:
                act = row.get(tok.type)
                if act is None:
                    raise UnexpectedToken(tok, set(self._expected[state]))
                if act[0] == _SHIFT:
                    state = act[1]
                    push_state(state)
                    push_value(tok)
                    row = actions[state]
                    break
                _, size, lhs, cb = act
                if cb is None:
                    # a unit rule whose value is its child: the stack below stays, only the
                    # top state changes, through the whole ladder of such rules at once
                    key = (state_stack[-2], state, tok.type)
                    top = chains.get(key)
                    if top is None:
                        top = chains[key] = self._unit_chain(*key)
                    state_stack[-1] = state = top
                    row = actions[state]
                    continue
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                push_value(cb(children))
                state = actions[state_stack[-1]][lhs]
                push_state(state)
                row = actions[state]
        end = Token.new_borrow_pos("$END", "", last) if last else Token("$END", "", 0, 1, 1)
        end_state = self._end
        while True:
            act = row.get("$END")
            if act is None:
                raise UnexpectedToken(end, set(self._expected[state]))
            if act[0] == _SHIFT:            # pragma: no cover - lark asserts this never happens
                raise AssertionError("shift of $END")
            _, size, lhs, cb = act
            if cb is None:
                state_stack.pop()
            else:
                if size:
                    children = value_stack[-size:]
                    del state_stack[-size:]
                    del value_stack[-size:]
                else:
                    children = []
                push_value(cb(children))
            state = actions[state_stack[-1]][lhs]
            push_state(state)
            row = actions[state]
            if state == end_state:
                return value_stack[-1]


def fast_parser(parser: Lark) -> Callable[[Iterable[Token]], Any]:
    """The ``parse`` function of a :class:`FastLALR` over ``parser``'s tables."""
    return FastLALR(parser).parse
