"""``kg eval``: precision and recall of the built graph against a hand-written gold standard.

The gold (tests/gold/*.yaml, one file per document) lists what a careful reader finds in
each document; the pipeline never reads it. Facts are compared per document and per kind
on their identifying keys (see tests/gold/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .datafile import load_yaml
from .namespaces import PREFIXES

#: The kinds the targets apply to; the others are reported too.
KINDS = ("organisations", "offices", "activities", "figures", "dates", "mandates", "closures", "handovers")
EXTRA_KINDS = ("memberships", "cooperation", "referrals", "contact_points")

_PREFIXES = "".join(f"PREFIX {p}: <{n}>\n" for p, n in PREFIXES.items())


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W_]+", (text or "").lower()) if len(w) > 2}


def _similar(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.5


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)
    extras: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, other: "Score") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses += other.misses
        self.extras += other.extras


def match_one_to_one(found: list, gold: list, same, optional=lambda g: False, miss=lambda g: g) -> Score:
    """A maximum one-to-one matching of found facts to gold facts (augmenting paths), so the
    score does not depend on the order facts come in: each gold fact may take a found fact
    equal to it or one ``same`` accepts, equal ones tried first. Gold facts ``optional``
    says are doubtful are matched last and never counted as missed."""
    candidates = [[j for j, f in enumerate(found) if f == g] + [j for j, f in enumerate(found) if f != g and same(f, g)]
                  for g in gold]
    owner: dict[int, int] = {}  # found index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in candidates[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    for i in sorted(range(len(gold)), key=lambda i: bool(optional(gold[i]))):
        augment(i, set())
    matched = set(owner.values())
    score = Score(tp=len(matched))
    score.misses = [miss(g) for i, g in enumerate(gold) if i not in matched and not optional(g)]
    score.fn = len(score.misses)
    score.extras = [f for j, f in enumerate(found) if j not in owner]
    score.fp = len(score.extras)
    return score



class GraphFacts:
    """The facts one document's named graph states, in the gold's terms."""

    def __init__(self, store: ox.Store, graph: str):
        self.store = store
        self.graph = graph

    def rows(self, where: str) -> list[dict]:
        q = f"{_PREFIXES}SELECT * WHERE {{ GRAPH <{self.graph}> {{ {where} }} }}"
        out = []
        result = self.store.query(q)
        names = [v.value for v in result.variables]
        for sol in result:
            out.append({n: (sol[i].value if sol[i] is not None else None) for i, n in enumerate(names)})
        return out

    def organisations(self) -> list:
        rows = self.rows("{ ?o a kg:Organisation } UNION { ?o a kg:Movement }")
        return sorted({_slug(r["o"]) for r in rows})

    def offices(self) -> list:
        rows = self.rows("?o a kg:Office ; org:unitOf ?org . OPTIONAL { ?o kg:inPlace ?p }")
        offices: dict[str, dict] = {}
        for r in rows:
            o = offices.setdefault(r["o"], {"org": _slug(r["org"]), "places": set()})
            if r["p"]:
                o["places"].add(_slug(r["p"]))
        return list(offices.values())

    def activities(self) -> list:
        rows = self.rows("?a a kg:Activity ; kg:activityType ?t ; kg:performedBy ?org . OPTIONAL { ?a kg:inPlace ?p }")
        return sorted({(_slug(r["org"]), _slug(r["t"]), _slug(r["p"]) if r["p"] else None) for r in rows}, key=str)

    def figures(self) -> list:
        rows = self.rows("?f a kg:Figure ; kg:qualifier ?q . OPTIONAL { ?f kg:value ?v } OPTIONAL { ?f kg:unit ?u }")
        return [(float(r["v"]) if r["v"] else None, r["q"].rsplit("#", 1)[-1]) for r in rows]

    def dates(self) -> list:
        out = []
        for r in self.rows("?i a time:Instant ; kg:hasEvidence ?e . "
                           "{ ?i time:inXSDDate ?v } UNION { ?i time:inXSDgYearMonth ?v } UNION { ?i time:inXSDgYear ?v }"):
            out.append(("instant", r["v"]))
        for r in self.rows("?p a kg:Period ; kg:hasEvidence ?e ; kg:surfaceText ?s ; time:hasBeginning ?b ; time:hasEnd ?x . "
                           "{ ?b time:inXSDDate ?bv } UNION { ?b time:inXSDgYearMonth ?bv } UNION { ?b time:inXSDgYear ?bv } "
                           "{ ?x time:inXSDDate ?xv } UNION { ?x time:inXSDgYearMonth ?xv } UNION { ?x time:inXSDgYear ?xv }"):
            out.append(("interval", (r["bv"], r["xv"])))
        return sorted(set(out), key=str)

    def mandates(self) -> list:
        out = set()
        for r in self.rows("?m a kg:Mandate ; kg:mandateOf ?org . OPTIONAL { ?m kg:establishedBy ?i } OPTIONAL { ?m kg:condition ?c }"):
            if r["i"]:
                out.add((_slug(r["org"]), _slug(r["i"])))
            if r["c"]:
                out.add((_slug(r["org"]), "agreement-of-authorities"))
        # an instrument the organisation holds itself to without saying it establishes its mandate
        for r in self.rows("?org kg:upholds ?i"):
            out.add((_slug(r["org"]), _slug(r["i"])))
        for r in self.rows("?a a kg:Agreement ; ?p ?v . FILTER(?p IN (kg:signedOn, kg:ratifiedOn, kg:ratifiedBy, kg:signatory, kg:grants, kg:firstVisitOn))"):
            value = r["v"]
            if "/id/instant/" in value:
                value = _slug(value)
            elif value.startswith("http"):
                value = _slug(value)
            out.add(("agreement", _slug(r["p"]).split("#")[-1], value))
        for r in self.rows("?act kg:groundedIn ?a . ?a a kg:Agreement . ?act kg:performedBy ?org"):
            out.add((_slug(r["org"]), "agreement"))
        return sorted(out, key=str)

    def closures(self) -> list:
        rows = self.rows("?c a kg:Closure ; kg:closedUnit ?o . ?o org:unitOf ?org . OPTIONAL { ?o kg:inPlace ?p } "
                         "OPTIONAL { { ?c kg:atTime ?t } UNION { ?c kg:endBound ?t } }")
        closures: dict[str, dict] = {}
        for r in rows:
            c = closures.setdefault(r["c"], {"org": _slug(r["org"]), "places": set(), "times": set()})
            if r["p"]:
                c["places"].add(_slug(r["p"]))
            if r["t"]:
                c["times"].add(_slug(r["t"]))
        return list(closures.values())

    def handovers(self) -> list:
        rows = self.rows("?h a kg:Handover ; kg:receiver ?r . "
                         "OPTIONAL { ?h kg:handedOverActivity ?a . ?a kg:activityType ?t } OPTIONAL { ?h kg:handedOverItem ?item }")
        return [{"receiver": _slug(r["r"]), "type": _slug(r["t"]) if r["t"] else None, "item": r["item"]} for r in rows]

    def memberships(self) -> list:
        return sorted({(_slug(r["m"]), _slug(r["o"])) for r in self.rows("?x a org:Membership ; org:member ?m ; org:organization ?o . FILTER NOT EXISTS { ?m a kg:Person }")})

    def cooperation(self) -> list:
        # between named organisations: a vague collective ("various ministries") is no gold pair
        rows = self.rows("?x a kg:Partnership ; kg:partner ?a, ?b . FILTER(STR(?a) < STR(?b)) "
                         "FILTER NOT EXISTS { ?a a kg:CollectiveAgent } FILTER NOT EXISTS { ?b a kg:CollectiveAgent }")
        return sorted({(_slug(r["a"]), _slug(r["b"])) for r in rows})

    def referrals(self) -> list:
        return sorted({_slug(r["t"]) for r in self.rows("?x a kg:Referral ; kg:referTo ?t")})

    def contact_points(self) -> list:
        """One organisation slug per contact point (two press officers are two)."""
        return sorted(_slug(r["o"]) for r in self.rows("?o kg:contactPoint ?c"))


def _date_key(g: dict):
    if g.get("role") == "interval" or "begin" in g:
        return ("interval", (str(g["begin"]), str(g["end"])))
    return ("instant", str(g["value"]))


def score_document(facts: GraphFacts, gold: dict, broader: dict[str, set[str]] | None = None) -> dict[str, Score]:
    broader = broader or {}

    def same_type(found: str | None, wanted: str) -> bool:
        return same_activity_type(found, wanted, broader)

    def office_same(f, g):
        return f["org"] == g["org"] and (g["place"] in f["places"] or g.get("based_in") in f["places"])

    def closure_same(f, g):
        return f["org"] == g["org"] and g["place"] in f["places"] and (not g.get("time") or str(g["time"]) in f["times"])

    def handover_same(f, g):
        if f["receiver"] != g["receiver"]:
            return False
        if g.get("activity"):
            return same_type(f["type"], g["activity"])
        return bool(f["item"]) and (_similar(f["item"], g.get("item", "")) or _similar(f["item"], g.get("text", "")))

    def mandate_key(g):
        if g.get("property"):
            value = g["value"]
            return ("agreement", g["property"], str(value))
        if str(g.get("instrument", "")).startswith("agreement-") and g["instrument"] != "agreement-of-authorities":
            return (g["org"], "agreement")
        return (g["org"], g["instrument"])

    def mandate_same(f, g):
        k = mandate_key(g)
        if f == k:
            return True
        return len(f) == 3 and len(k) == 3 and f[:2] == k[:2] and f[1] == "grants" and _similar(f[2], k[2])

    gold_figs = [(float(g["value"]) if g.get("value") is not None else None, g["qualifier"]) for g in gold.get("figures", [])]
    gold_acts = [(g["org"], g["type"], g.get("place")) for g in gold.get("activities", [])]
    return {
        "organisations": match_one_to_one(facts.organisations(), [g["id"] for g in gold.get("organisations", [])], lambda f, g: f == g),
        "offices": match_one_to_one(facts.offices(), gold.get("offices", []), office_same),
        "activities": match_one_to_one(facts.activities(), gold_acts,
                             lambda f, g: f[0] == g[0] and f[2] == g[2] and same_type(f[1], g[1])),
        "figures": match_one_to_one(facts.figures(), gold_figs, lambda f, g: f == g),
        "dates": match_one_to_one(facts.dates(), sorted({_date_key(g) for g in gold.get("dates", [])}, key=str), lambda f, g: f == g),
        "mandates": match_one_to_one(facts.mandates(), [g for g in gold.get("mandates", []) if g.get("as") != "obligations" and g.get("property") != "obliges"], mandate_same),
        "closures": match_one_to_one(facts.closures(), gold.get("closures", []), closure_same),
        "handovers": match_one_to_one(facts.handovers(), gold.get("handovers", []), handover_same),
        "memberships": match_one_to_one(facts.memberships(), [(g["member"], g["of"]) for g in gold.get("memberships", [])], lambda f, g: f == g),
        "cooperation": match_one_to_one(facts.cooperation(), [tuple(sorted((g["a"], g["b"]))) for g in gold.get("cooperation", []) if not g.get("status")], lambda f, g: f == g),
        "referrals": match_one_to_one(facts.referrals(), [g["to"] for g in gold.get("referrals", [])], lambda f, g: f == g),
        "contact_points": match_one_to_one(facts.contact_points(), [g["org"] for g in gold.get("contact_points", [])], lambda f, g: f == g),
    }


def scheme_broader(store: ox.Store) -> dict[str, set[str]]:
    """{concept: its skos:broader concepts}, by local name, as the store holds the schemes."""
    out: dict[str, set[str]] = {}
    for sol in store.query(_PREFIXES + "SELECT ?c ?b WHERE { ?c skos:broader ?b }"):
        out.setdefault(_slug(sol[0].value), set()).add(_slug(sol[1].value))
    return out


def same_activity_type(found: str | None, wanted: str, broader: dict[str, set[str]]) -> bool:
    """The same activity type, or one directly broader or narrower in the SKOS scheme (the
    gold takes the most specific type the scheme had when it was written; a reader may fairly
    name its parent, and a scheme grown since may name a child)."""
    return found == wanted or wanted in broader.get(found, ()) or found in broader.get(wanted, ())


def evaluate(store: ox.Store, gold_dir: Path, base_iri: str) -> tuple[dict[str, Score], dict[str, dict[str, Score]]]:
    totals = {k: Score() for k in KINDS + EXTRA_KINDS}
    per_doc: dict[str, dict[str, Score]] = {}
    files = sorted(gold_dir.glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no gold files (*.yaml) in {gold_dir}")
    for path in files:
        gold = load_yaml(path)
        doc_id = Path(gold["document"]).stem
        facts = GraphFacts(store, f"{base_iri}graph/document/{doc_id}")
        scores = score_document(facts, gold, scheme_broader(store))
        per_doc[doc_id] = scores
        for k, s in scores.items():
            totals[k].add(s)
    return totals, per_doc


def overall(totals: dict[str, Score]) -> Score:
    s = Score()
    for k in KINDS:
        s.add(totals[k])
    return s


def table(totals: dict[str, Score]) -> str:
    lines = ["| kind | precision | recall | found | gold |", "|---|---:|---:|---:|---:|"]
    for k in KINDS + EXTRA_KINDS:
        s = totals[k]
        lines.append(f"| {k} | {s.precision:.2f} | {s.recall:.2f} | {s.tp + s.fp} | {s.tp + s.fn} |")
    o = overall(totals)
    lines.append(f"| **overall** ({', '.join(KINDS[:2])} … {KINDS[-1]}) | **{o.precision:.2f}** | **{o.recall:.2f}** | {o.tp + o.fp} | {o.tp + o.fn} |")
    return "\n".join(lines)
