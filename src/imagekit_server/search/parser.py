"""The grammar of ``searchQuery`` and ``checks`` expressions (lark, LALR) and its parser.

AND binds tighter than OR; parentheses group; keywords are case-insensitive; values may be
double-quoted, single-quoted or bare (numbers, booleans, dates, ``7d``, plain words).
"""

from __future__ import annotations

import re
from typing import cast

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, VisitError
from lark.parsers.lalr_interactive_parser import InteractiveParser

from imagekit_server.search.errors import SearchQueryError
from imagekit_server.search.syntax_tree import Condition, Connective, Node, Operator, Value

GRAMMAR = r"""
start: or_expr
or_expr: and_expr (OR and_expr)*
and_expr: _primary (AND _primary)*
_primary: LPAR or_expr RPAR | condition
condition: field operation
operation: EXISTS                     -> exists
         | NOT EXISTS                 -> not_exists
         | COMPARATOR value           -> compare
         | NOT COMPARATOR value       -> not_compare
         | IN array                   -> in_list
         | NOT IN array               -> not_in_list
         | HAS value                  -> has
         | NOT HAS value              -> not_has
field: STRING | NAME
value: STRING | BARE
array: LSQB [value (COMMA value)*] RSQB

AND: /AND(?![\w.])/i
OR: /OR(?![\w.])/i
NOT: /NOT(?![\w.])/i
IN: /IN(?![\w.])/i
HAS: /HAS(?![\w.])/i
EXISTS: /EXISTS(?![\w.])/i
COMPARATOR: "<=" | ">=" | "<" | ">" | "=" | ":"
LPAR: "("
RPAR: ")"
LSQB: "["
RSQB: "]"
COMMA: ","
NAME: /[A-Za-z_][\w.]*/
STRING: /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/s
BARE: /[^\s()\[\],'"]+/

%import common.WS
%ignore WS
"""

_PARSER = Lark(GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=False)

MAX_NESTING = 32
# Each condition and value becomes SQL parameters; both databases cap their number per query.
MAX_CONDITIONS = 200
MAX_VALUES = 1000
_QUOTED_OR_PARENTHESIS = re.compile(r""""(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|[()]""", re.DOTALL)

# How the parser's acceptable next terminals are described in a syntax error message: the
# first entry whose marker terminal is acceptable wins.
_EXPECTATIONS = (
    ("NAME", "a field name or '('"),
    ("COMPARATOR", "an operator"),
    ("EXISTS", "EXISTS, IN, HAS or '='"),
    ("BARE", "a value"),
    ("LSQB", "'['"),
    ("COMMA", "',' or ']'"),
    ("RPAR", "AND, OR or ')'"),
    ("AND", "AND, OR or the end of the query"),
    ("$END", "the end of the query"),
)


def parse_expression(text: str) -> Node:
    """Parse a query into its syntax tree; any syntax error becomes a SearchQueryError."""
    if not text.strip():
        raise SearchQueryError("Syntax error at position 0: the query is empty", 0)
    if "\x00" in text:  # PostgreSQL text cannot hold NUL, so no value could ever match
        position = text.index("\x00")
        raise SearchQueryError(f"Syntax error at position {position}: NUL character", position)
    _check_nesting(text)
    interactive = _PARSER.parse_interactive(text)
    previous: Token | None = None
    current: Token | None = None
    try:
        for token in interactive.iter_parse():
            previous, current = current, token
        tree = interactive.feed_eof(current)  # type: ignore[no-untyped-call]
    except UnexpectedInput as error:
        raise _syntax_error(text, error, interactive, previous, current) from None
    try:
        syntax_tree = _ToSyntaxTree().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, SearchQueryError):
            raise error.orig_exc from None
        raise
    _check_size(syntax_tree)
    return syntax_tree


def _check_nesting(text: str) -> None:
    """Refuse parentheses nested deeper than MAX_NESTING (outside quoted strings): the syntax
    tree, its SQL and the SQL compiler are all walked recursively."""
    depth = 0
    for match in _QUOTED_OR_PARENTHESIS.finditer(text):
        depth += {"(": 1, ")": -1}.get(match[0], 0)
        if depth > MAX_NESTING:
            position = match.start()
            raise SearchQueryError(
                f"Syntax error at position {position}: parentheses nested deeper than "
                f"{MAX_NESTING} levels",
                position,
            )


def _check_size(tree: Node) -> None:
    conditions: list[Condition] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, Connective):
            pending.extend(node.operands)
        else:
            conditions.append(node)
    conditions.sort(key=lambda condition: condition.field_position)
    values = 0
    for count, condition in enumerate(conditions, start=1):
        values += len(condition.values)
        if count > MAX_CONDITIONS or values > MAX_VALUES:
            position = condition.field_position
            raise SearchQueryError(
                f"Query too large at position {position}: at most {MAX_CONDITIONS} conditions "
                f"and {MAX_VALUES} values",
                position,
            )


def _syntax_error(
    text: str,
    error: UnexpectedInput,
    interactive: InteractiveParser,
    previous: Token | None,
    current: Token | None,
) -> SearchQueryError:
    """A message naming the position, what could come next and the token it should follow."""
    end = len(text.rstrip())
    position = min(getattr(error, "pos_in_stream", None) or end, end)
    token = getattr(error, "token", None)
    if isinstance(token, Token) and token.type != "$END":
        position = token.start_pos or 0
    elif not isinstance(error, UnexpectedCharacters):
        position = end
    # The parser rejects a token after it was read; the lexer before.
    failed_token_was_read = current is not None and current.start_pos == position
    after = previous if failed_token_was_read else current
    message = f"Syntax error at position {position}: expected {_describe(interactive)}"
    if after is not None:
        message += f" after {_quote_token(after)}"
    if position >= end:
        message += " (the query ended)"
    return SearchQueryError(message, position)


def _describe(interactive: InteractiveParser) -> str:
    try:
        acceptable = interactive.accepts()  # type: ignore[no-untyped-call]
    except UnexpectedInput:  # pragma: no cover - lark computes this from a copied state
        acceptable = set()
    for marker, description in _EXPECTATIONS:
        if marker in acceptable:
            return description
    return "something else"


def _quote_token(token: Token) -> str:
    text = str(token)
    return text if text[:1] in "\"'" else f"'{text}'"


_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def _unquote(token: Token) -> str:
    return _ESCAPE.sub(r"\1", str(token)[1:-1])


@v_args(inline=True)
class _ToSyntaxTree(Transformer[Token, Node]):
    """Builds the dataclass tree; operations become (operator, operator_token, values, list?)."""

    def start(self, node: Node) -> Node:
        return node

    def or_expr(self, *items: Node | Token) -> Node:
        return _connect("OR", items)

    def and_expr(self, *items: Node | Token) -> Node:
        return _connect("AND", items)

    def field(self, token: Token) -> tuple[str, int]:
        name = _unquote(token) if token.type == "STRING" else str(token)
        return name, token.start_pos or 0

    def value(self, token: Token) -> Value:
        if token.type == "STRING":
            return Value(_unquote(token), quoted=True, position=token.start_pos or 0)
        return Value(str(token), quoted=False, position=token.start_pos or 0)

    def array(self, *items: Value | Token | None) -> list[Value]:
        return [item for item in items if isinstance(item, Value)]

    def exists(self, keyword: Token) -> _Operation:
        return "EXISTS", keyword, [], False

    def not_exists(self, keyword: Token, _exists: Token) -> _Operation:
        return "NOT EXISTS", keyword, [], False

    def compare(self, comparator: Token, value: Value) -> _Operation:
        return cast(Operator, str(comparator)), comparator, [value], False

    def not_compare(self, keyword: Token, comparator: Token, value: Value) -> _Operation:
        if str(comparator) != "=":
            position = comparator.start_pos or 0
            raise SearchQueryError(
                f"Syntax error at position {position}: only '=' may follow NOT, not '{comparator}'",
                position,
            )
        return "NOT =", keyword, [value], False

    def in_list(self, keyword: Token, values: list[Value]) -> _Operation:
        return "IN", keyword, values, True

    def not_in_list(self, keyword: Token, _in: Token, values: list[Value]) -> _Operation:
        return "NOT IN", keyword, values, True

    def has(self, keyword: Token, value: Value) -> _Operation:
        return "HAS", keyword, [value], False

    def not_has(self, keyword: Token, _has: Token, value: Value) -> _Operation:
        return "NOT HAS", keyword, [value], False

    def condition(self, field: tuple[str, int], operation: _Operation) -> Condition:
        operator, token, values, is_list = operation
        return Condition(
            field=field[0],
            field_position=field[1],
            operator=operator,
            operator_position=token.start_pos or 0,
            values=tuple(values),
            is_list=is_list,
        )


_Operation = tuple[Operator, Token, list[Value], bool]


def _connect(kind: str, items: tuple[Node | Token, ...]) -> Node:
    operands: list[Node] = []
    for item in items:
        if isinstance(item, Token):
            continue  # the AND / OR / parenthesis tokens themselves
        if isinstance(item, Connective) and item.kind == kind:
            operands.extend(item.operands)
        else:
            operands.append(item)
    if len(operands) == 1:
        return operands[0]
    return Connective("AND" if kind == "AND" else "OR", tuple(operands))
