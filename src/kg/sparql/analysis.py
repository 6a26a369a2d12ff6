"""A light look at the text of a SPARQL request before anything runs it.

Not a parser — Oxigraph parses queries and reports their syntax errors. This tokenizer only
finds what the endpoint must know *before* a query runs:

* its form (SELECT, ASK, CONSTRUCT, DESCRIBE — or an update sent where a query belongs),
  to negotiate the response format and answer 406 without running anything;
* every ``SERVICE`` (federated query: the server would call a URL of the query's choosing),
  refused unless its endpoint is on the allow-list;
* the DESCRIBE's resources, as a ``SELECT DISTINCT`` that finds them (the endpoint's
  DESCRIBE gives outgoing and incoming triples and the evidence: see ``query.describe``);
* the FROM / FROM NAMED graphs, and WITH / USING in updates;
* how deep it nests: Oxigraph's parser and evaluator recurse once per level of brackets and
  of operators in a row, and a query nested thousands deep would overflow a worker's stack.

SPARQL allows ``\\uXXXX`` escapes *anywhere* in a request, processed before parsing
(SPARQL 1.1 Query §19.2), so they are decoded first: ``\\u0053ERVICE`` is ``SERVICE``.
Where a keyword could be read two ways, the check errs on the side of refusing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape(text: str) -> str:
    """Decode SPARQL codepoint escapes (``\\u0041``, ``\\U00000041``) everywhere."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def repl(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)

    return _ESCAPE.sub(repl, text)


_PN = r"[^\W\d_]"  # a letter (PN_CHARS_BASE, roughly)
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)
             |\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
             |'(?:[^'\\\n\r]|\\.)*'
             |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)
  | (?P<bnode>_:[\w\-.\u00B7\u0300-\u036F\u203F-\u2040]*)
  | (?P<pname>(?:""" + _PN + r"""[\w\-.\u00B7]*)?:(?:[\w\-.:%\u00B7]|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>""" + _PN + r"""\w*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string iri var bnode pname lang number word punct
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def tokenize(text: str) -> list[Token]:
    """Tokens of (already unescaped) SPARQL text; whitespace and comments dropped."""
    out: list[Token] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        kind = m.lastgroup
        end = m.end()
        if kind == "pname" or kind == "bnode":
            # a prefixed name or blank node label does not end with '.'
            while end > pos + 1 and text[end - 1] == "." and m.group(kind)[-2:-1] != ":":
                end -= 1
        if kind not in ("ws", "comment"):
            out.append(Token(kind, text[pos:end], pos, end))
        pos = end
    return out


UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


@dataclass
class Analysis:
    text: str  # the request text with codepoint escapes decoded
    form: str | None = None  # SELECT | ASK | CONSTRUCT | DESCRIBE | UPDATE | None (let the parser say)
    base: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    #: every SERVICE's endpoint IRI; None where it is a variable or cannot be resolved
    services: list[str | None] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)
    from_named: list[str] = field(default_factory=list)
    #: the DESCRIBE as a SELECT DISTINCT of the resources to describe
    describe_select: str | None = None
    #: an update with WITH / USING (conflicts with using-graph-uri / using-named-graph-uri)
    update_dataset_clause: bool = False
    #: calls a function whose value differs between runs (RAND, NOW, UUID, STRUUID, BNODE)
    volatile: bool = False
    #: may read named graphs: GRAPH, FROM or FROM NAMED (erring towards yes)
    names_graphs: bool = False
    #: how deep a parser or evaluator recurses on it, roughly (see ``depth``)
    depth: int = 0
    #: ``depth`` is only an upper bound (the length of the text), which is enough when it is
    #: within the limit; the exact depth is computed when it is not (``nests_deeper_than``)
    depth_is_bound: bool = False
    #: where the query form (SELECT …) starts in ``text``, after the prologue (None: unknown)
    body_start: int | None = None

    @property
    def shape(self) -> str:
        """The text with every constant (IRI, literal, number) and comment replaced by one
        mark: queries that differ only in the entity, word or threshold they ask about have
        the same shape (as pg_stat_statements fingerprints SQL). Prefixed names stay: they
        are mostly the vocabulary (predicates, classes), which decides the work."""
        if self.body_start:  # (no constant spans the end of the prologue, which repeats from query to query)
            return _prologue(self.text[:self.body_start])[1] + shape_of(self.text[self.body_start:])
        return shape_of(self.text)

    def nests_deeper_than(self, limit: int) -> bool:
        if self.depth <= limit:
            return False
        if self.depth_is_bound:
            self.depth, self.depth_is_bound = depth(tokenize(self.text)), False
        return self.depth > limit

    @property
    def repeatable(self) -> bool:
        """Running it again on the same read-only store does the same work: no volatile
        function, no SERVICE (whose cost is another server's)."""
        return not self.volatile and not self.services and self.form in QUERY_FORMS

    @property
    def kind(self) -> str | None:
        """results | graph | None"""
        if self.form in ("SELECT", "ASK"):
            return "results"
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return "graph"
        return None


def _resolve(tok: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if tok.kind == "iri":
        iri = tok.text[1:-1]
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            return iri
        return urljoin(base, iri) if base else None
    if tok.kind == "pname":
        prefix, local = tok.text.split(":", 1)
        ns = prefixes.get(prefix)
        if ns is None:
            return None
        return ns + re.sub(r"\\(.)", r"\1", local)
    return None


def _contains_keyword(tok: Token, keywords: tuple[str, ...]) -> bool:
    """One of ``keywords`` as Oxigraph's parser might read it in ``tok``, erring towards yes.

    Its keywords need no word boundary: ``trueSERVICE<…>`` reads as ``true SERVICE <…>``
    and ``service:x {…}`` as ``SERVICE :x {…}``. So any word, language tag or prefix of a
    prefixed name that contains the keyword counts. Variables, blank node labels and the
    local part of a prefixed name are read whole (``?xSERVICE``, ``ex:SERVICE`` are not it).
    """
    if tok.kind in ("word", "lang"):
        text = tok.upper
    elif tok.kind == "pname":
        text = tok.upper.split(":", 1)[0]
    else:
        return False
    return any(k in text for k in keywords)


def _looks_like_service(tok: Token) -> bool:
    return _contains_keyword(tok, ("SERVICE",))


#: Functions whose value changes from one run of a query to the next (a random number, the
#: clock, fresh identifiers), so the work a query does may too.
VOLATILE_FUNCTIONS = ("RAND", "NOW", "UUID", "STRUUID", "BNODE")


#: A constant or a comment, as the tokenizer reads them (strings, IRIs, numbers, comments).
_CONSTANT = re.compile(r"""'\'\'(?:[^'\\]|\\.|'(?!''))*(?:'\'\'|$)|\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)"""
                       r"""|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>"{}|^`\\\x00-\x20]*>"""
                       r"""|\#[^\n\r]*|(?<![\w?$:])\d+(?:\.\d*)?(?:[eE][+-]?\d+)?""")


def shape_of(text: str) -> str:
    """See ``Analysis.shape``."""
    return _CONSTANT.sub("§", text)


#: Words that, anywhere in a query, send it to the full analysis: the tokenizer must tell a
#: keyword (SERVICE, GRAPH, FROM, a volatile function …) from the same letters in a name.
_NEEDS_TOKENS = ("SERVICE", "GRAPH", "FROM", "NAMED", "DESCRIBE", "RAND", "NOW", "UUID", "BNODE", "WITH", "USING",
                 "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_PROLOGUE_AND_FORM = re.compile(
    r"(?:\s|\#[^\n]*(?:\n|$)|PREFIX\s*[^\s:<]*:\s*<[^<>\s]*>|BASE\s*<[^<>\s]*>)*(SELECT|ASK|CONSTRUCT)\b",
    re.IGNORECASE)


def _names_a_word_needing_tokens(text: str) -> bool:
    upper = text.upper()
    for word in _NEEDS_TOKENS:
        if word in upper:
            return True
    return False


@lru_cache(maxsize=256)
def _prologue(prologue: str) -> tuple[bool, str]:
    """(whether it names a word above, its shape): a query's prologue (its PREFIX lines) is
    most of a point lookup's text, and repeats from query to query."""
    return _names_a_word_needing_tokens(prologue), shape_of(prologue)


def _analyse_plain(text: str, base_iri: str | None) -> Analysis | None:
    """The analysis of a query that needs no tokenizing, or None. Most queries name none of
    the words above anywhere (not even inside a name or a string), declare their prefixes
    plainly and start with SELECT, ASK or CONSTRUCT: such a query has no SERVICE, names no
    graph, calls no volatile function and is not an update, which the full analysis would
    find too; and a text no longer than the depth limit cannot nest deeper than it (each
    level takes a character). Checked against the full analysis in tests/test_fastlane.py."""
    if "\\u" in text or "\\U" in text:
        return None
    m = _PROLOGUE_AND_FORM.match(text)
    if m is None:
        return None
    # (the prologue ends with a space, a '>' or a comment's line end: no word spans its end)
    body_start = m.start(1)
    if _prologue(text[:body_start])[0] or _names_a_word_needing_tokens(text[body_start:]):
        return None
    a = Analysis(text=text, form=m.group(1).upper(), base=base_iri, body_start=body_start)
    a.depth = len(text)  # an upper bound (see nests_deeper_than)
    a.depth_is_bound = True
    return a


def analyse(text: str, base_iri: str | None = None, default_prefixes: dict[str, str] | None = None) -> Analysis:
    """What the endpoint must know of ``text`` before it runs (see the module's doc);
    ``default_prefixes``: the prefixes a query may use undeclared."""
    plain = _analyse_plain(text, base_iri)
    if plain is not None:
        plain.prefixes = dict(default_prefixes or {})
        return plain
    return analyse_tokens(text, base_iri, default_prefixes)


def analyse_tokens(text: str, base_iri: str | None = None, default_prefixes: dict[str, str] | None = None) -> Analysis:
    """``analyse``, always by the tokens of the text."""
    text = unescape(text)
    toks = tokenize(text)
    a = Analysis(text=text, base=base_iri, prefixes=dict(default_prefixes or {}))
    i, n = 0, len(toks)
    # prologue: BASE <iri> | PREFIX pname: <iri>
    while i < n and toks[i].kind == "word" and toks[i].upper in ("BASE", "PREFIX"):
        if toks[i].upper == "BASE" and i + 1 < n and toks[i + 1].kind == "iri":
            a.base = _resolve(toks[i + 1], {}, a.base) or a.base
            i += 2
        elif toks[i].upper == "PREFIX" and i + 2 < n and toks[i + 1].kind == "pname" and toks[i + 2].kind == "iri":
            a.prefixes[toks[i + 1].text[:-1]] = _resolve(toks[i + 2], {}, a.base) or ""
            i += 3
        else:
            break
    first = toks[i] if i < n else None
    if first is not None and first.kind == "word":
        if first.upper in QUERY_FORMS:
            a.form = first.upper
            a.body_start = first.start
        elif first.upper in UPDATE_KEYWORDS:
            a.form = "UPDATE"

    for j, tok in enumerate(toks):
        if _looks_like_service(tok) and j >= i:  # (prologue names are prefixes, not keywords)
            target = None
            k = j + 1
            if tok.upper == "SERVICE" and tok.kind == "word":
                if k < n and toks[k].kind == "word" and toks[k].upper == "SILENT":
                    k += 1
                if k < n and toks[k].kind in ("iri", "pname"):
                    target = _resolve(toks[k], a.prefixes, a.base)
            a.services.append(target)
        elif _contains_keyword(tok, VOLATILE_FUNCTIONS):
            a.volatile = True
        if j >= i and _contains_keyword(tok, ("GRAPH", "FROM", "NAMED")):
            a.names_graphs = True
        elif tok.kind == "word" and tok.upper in ("WITH", "USING") and a.form == "UPDATE":
            a.update_dataset_clause = True
        elif tok.kind == "word" and tok.upper == "FROM" and j + 1 < n:
            named = toks[j + 1].kind == "word" and toks[j + 1].upper == "NAMED"
            target_tok = toks[j + 2] if named and j + 2 < n else toks[j + 1]
            iri = _resolve(target_tok, a.prefixes, a.base)
            if iri:
                (a.from_named if named else a.from_graphs).append(iri)

    if a.form == "DESCRIBE":
        a.describe_select = _describe_as_select(text, toks, i)
    a.depth = depth(toks)
    return a


#: Operators that nest what they combine: a chain of them is a chain of nodes, each the child
#: of the one before (``a && b && c`` is ``(a && b) && c``); unary ones nest too (``!!x``).
#: Not ``.``, ``;`` and ``,``, which list triple patterns and terms side by side.
_NESTING_PUNCT = frozenset({"&&", "||", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!"})
_NESTING_WORDS = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND"})


def depth(toks: list[Token]) -> int:
    """How deep the query nests, as a recursive parser and evaluator go: one level per open
    bracket and one per operator in a row within each bracket (the deepest point)."""
    in_row = [0]  # operators so far within each open bracket
    level = deepest = 0
    for tok in toks:
        if tok.kind == "punct":
            t = tok.text
            if t in "({[":
                in_row.append(0)
                level += 1
            elif t in ")}]":
                if len(in_row) > 1:
                    level -= 1 + in_row.pop()
                continue
            elif t in _NESTING_PUNCT:
                in_row[-1] += 1
                level += 1
            else:
                continue
        elif tok.kind == "word" and tok.upper in _NESTING_WORDS:
            in_row[-1] += 1
            level += 1
        else:
            continue
        deepest = max(deepest, level)
    return deepest


_DESCRIBE_STOP = {"FROM", "WHERE", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"}


def _describe_as_select(text: str, toks: list[Token], i: int) -> str | None:
    """``DESCRIBE ?x <a> WHERE {…}`` as ``SELECT DISTINCT ?x (<a> AS ?_kg_d1) WHERE {…}``."""
    start = toks[i].start
    j = i + 1
    items: list[str] = []
    star = False
    while j < len(toks):
        t = toks[j]
        if t.kind == "word" and t.upper in _DESCRIBE_STOP or t.text == "{":
            break
        if t.text == "*":
            star = True
        elif t.kind == "var":
            items.append(t.text)
        elif t.kind in ("iri", "pname"):
            items.append(f"({t.text} AS ?_kg_d{len(items)})")
        else:
            return None
        j += 1
    if not star and not items:
        return None
    projection = "*" if star else " ".join(items)
    # dataset clauses, then the WHERE clause (optional in DESCRIBE, required in SELECT)
    k = j
    while k < len(toks) and toks[k].kind == "word" and toks[k].upper == "FROM":
        k += 2 if not (k + 1 < len(toks) and toks[k + 1].upper == "NAMED") else 3
    rest_at = toks[k].start if k < len(toks) else len(text)
    has_where = k < len(toks) and (toks[k].text == "{" or (toks[k].kind == "word" and toks[k].upper == "WHERE"))
    head = text[:start] + "SELECT DISTINCT " + projection + " "
    middle = text[toks[j].start:rest_at] if j < len(toks) else ""
    tail = text[rest_at:]
    return head + middle + ("" if has_where else " WHERE {} ") + tail
