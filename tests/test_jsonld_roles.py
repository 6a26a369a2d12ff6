"""The JSON-LD context's keys for the roles of issue 12: who takes part and for whom (groups,
their counts and sub-groups), the office that runs an activity, the situation it relates to,
offers, collective partners, contact points, what organisations uphold, agreements' parties,
datelines.

- every new property has a short key of the published context, and every new class a term;
- compacting tests/fixtures/valid/complete.ttl (one node of every kind) uses those keys, with
  the value shapes their definitions give (an IRI string for a link, a language map for a
  contact point's matter, a plain string for an xsd:anyURI url), and expands back to exactly
  its triples;
- the real export of both corpora (/export?format=jsonld on a server built from the first and
  the development corpus) writes the roles the extraction emits under those keys, and still
  holds exactly the quads of the N-Quads export; an organisation's own JSON-LD nests its
  contact points.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import Graph

from kg import jsonld

ROOT = Path(__file__).resolve().parents[1]
COMPLETE = ROOT / "tests" / "fixtures" / "valid" / "complete.ttl"
KG = "https://w3id.org/humanitarian-kg/ontology#"
SCHEMA = "https://schema.org/"

#: key -> (property IRI, how its value is written: "id" an IRI string, "text" a plain JSON
#: value, "lang" a language map)
ROLE_KEYS = {
    "participant": (KG + "participant", "id"),
    "audience": (KG + "audience", "id"),
    "beneficiaryGroup": (KG + "beneficiaryGroup", "id"),
    "groupKind": (KG + "groupKind", "id"),
    "count": (KG + "count", "id"),
    "includes": (KG + "includes", "id"),
    "runBy": (KG + "runBy", "id"),
    "relatesTo": (KG + "relatesTo", "id"),
    "offeredBy": (KG + "offeredBy", "id"),
    "offeredTo": (KG + "offeredTo", "id"),
    "contactPoint": (KG + "contactPoint", "id"),
    "upholds": (KG + "upholds", "id"),
    "upholdsPrinciple": (KG + "upholdsPrinciple", "id"),
    "receivingUnit": (KG + "receivingUnit", "id"),
    "party": (KG + "party", "id"),
    "signedIn": (KG + "signedIn", "id"),
    "dateline": (KG + "dateline", "id"),
    "upperValue": (KG + "upperValue", "text"),
    "asRole": (KG + "asRole", "text"),
    "offerOf": (KG + "offerOf", "text"),
    "hasUnitName": (KG + "hasUnitName", "text"),
    "status": (KG + "status", "text"),
    "email": (SCHEMA + "email", "text"),
    "telephone": (SCHEMA + "telephone", "text"),
    "url": (SCHEMA + "url", "text"),
    "contactName": (SCHEMA + "name", "text"),
    "contactType": (SCHEMA + "contactType", "lang"),
    "units": ("http://www.w3.org/ns/org#hasUnit", "id"),
    "hasTime": ("http://www.w3.org/2006/time#hasTime", "id"),
}
NEW_CLASSES = ["PopulationGroup", "Situation", "Conflict", "Programme", "Offer", "CollectiveAgent", "ContactPoint",
               "Presence", "Facility", "Withdrawal", "Expulsion", "Suspension", "Downsizing", "MonetaryAmount",
               "MediaOrganisation"]


def _values(node: dict, key: str) -> list:
    v = node.get(key)
    return v if isinstance(v, list) else [] if v is None else [v]


def _check_shape(key: str, node: dict) -> None:
    kind = ROLE_KEYS[key][1]
    for v in _values(node, key):
        if kind == "id":
            assert isinstance(v, str) and v.startswith(("http://", "https://")), (key, node["id"], v)
        elif kind == "text":
            assert isinstance(v, (str, int, float)), (key, node["id"], v)
    if kind == "lang":
        assert isinstance(node[key], dict) and all(len(lang) == 2 for lang in node[key]), (key, node[key])


def _nodes(doc: dict) -> list[dict]:
    out = []
    for item in doc["@graph"]:
        out.extend(item["@graph"] if "@graph" in item else [item])
    return out


def test_context_has_a_key_for_every_new_role_and_class():
    ctx = jsonld.context_document()["@context"]
    for key, (iri, kind) in ROLE_KEYS.items():
        d = ctx[key]
        assert jsonld._expand(d["@id"]) == iri, key
        if kind == "id":
            assert d["@type"] == "@id", key
        if kind == "lang":
            assert d["@container"] == "@language", key
    assert ctx["url"]["@type"] == "xsd:anyURI"
    for cls in NEW_CLASSES:
        assert jsonld._expand(ctx[cls]) == KG + cls, cls


def test_complete_fixture_compacts_every_role_and_round_trips():
    triples = [(t.subject, t.predicate, t.object)
               for t in ox.parse(path=str(COMPLETE), format=ox.RdfFormat.TURTLE)]
    doc = jsonld.graph_document({None: triples})
    nodes = {n["id"]: n for n in _nodes(doc)}
    predicates = {p.value for _, p, _ in triples}
    for key, (iri, _) in ROLE_KEYS.items():
        assert iri in predicates, f"complete.ttl has no {iri}: add one"
        holders = [n for n in nodes.values() if key in n]
        assert holders, f"{iri} is not written under the key {key!r}"
        for n in holders:
            _check_shape(key, n)
        # never under its IRI or a compact IRI as well
        assert not any(iri in n or jsonld.TERMS.fallback_key(iri) in n for n in nodes.values() if
                       jsonld.TERMS.fallback_key(iri) != key), key
    types = {t for n in nodes.values() for t in _values(n, "type")}
    assert set(NEW_CLASSES) <= types, set(NEW_CLASSES) - types
    assert nodes["http://example.org/fixture/press-office"]["url"] == "https://www.icrc.org/en/contact"
    assert nodes["http://example.org/fixture/press-office"]["contactType"] == {"en": "further information"}
    assert nodes["http://example.org/fixture/officials-figure"]["upperValue"] == 25
    # the document says exactly what the fixture says, read by two JSON-LD parsers
    body = jsonld.dumps(doc)
    assert {(q.subject, q.predicate, q.object) for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)} == set(triples)
    assert len(Graph().parse(data=body, format="json-ld")) == len(set(triples))
    # and framed around the ICRC: its contact point nested, with the same keys
    framed = jsonld.frame(ox.NamedNode("http://example.org/fixture/icrc"), triples)
    contact = framed["contactPoint"]
    assert contact["email"] == "press@icrc.org" and contact["telephone"] == "+41 22 730 34 43"
    assert framed["upholdsPrinciple"] == "https://w3id.org/humanitarian-kg/principle/neutrality"
    assert {(q.subject, q.predicate, q.object)
            for q in ox.parse(jsonld.dumps(framed), format=ox.RdfFormat.JSON_LD)} == set(triples)


#: What the extraction emits in the two corpora; the rest (participants, to whom an offer is
#: made, where an agreement was signed: neither corpus says) is checked on complete.ttl above.
EMITTED = ["audience", "beneficiaryGroup", "groupKind", "count", "includes", "relatesTo", "contactPoint", "upholds",
           "receivingUnit", "party", "dateline", "upperValue", "status", "email", "telephone", "url",
           "contactName", "contactType", "runBy", "offeredBy", "asRole", "offerOf", "upholdsPrinciple", "hasUnitName",
           "units", "hasTime"]
EMITTED_CLASSES = ["PopulationGroup", "Situation", "Conflict", "ContactPoint", "Presence", "Facility", "Withdrawal",
                   "Expulsion", "Downsizing", "MonetaryAmount", "MediaOrganisation", "Programme", "Offer",
                   "CollectiveAgent"]


def test_export_of_both_corpora_writes_the_roles_under_their_keys(server_both):
    nq = requests.get(server_both.url + "/export?format=nquads", timeout=120).content
    r = requests.get(server_both.url + "/export?format=jsonld", timeout=120)
    assert r.status_code == 200
    doc = r.json()
    assert doc["@context"]["beneficiaryGroup"] == {"@id": "kg:beneficiaryGroup", "@type": "@id"}
    nodes = _nodes(doc)
    for key in EMITTED:
        holders = [n for n in nodes if key in n]
        assert holders, f"no node of the export has {key!r}"
        for n in holders:
            _check_shape(key, n)
    keys = {k for n in nodes for k in n}
    assert not {k for k in keys if k.startswith(("schema:", SCHEMA, KG))}, "every schema.org and kg: term has a key"
    assert not keys & {"org:hasUnit", "time:hasTime"}, "the units and dates of issue 12 have keys"
    types = {t for n in nodes for t in _values(n, "type")}
    assert set(EMITTED_CLASSES) <= types, set(EMITTED_CLASSES) - types
    # a sub-group is written as a link from the group that includes it
    groups = {n["id"]: n for n in nodes if "PopulationGroup" in _values(n, "type")}
    assert any(sub in groups for g in groups.values() for sub in _values(g, "includes"))
    # nothing lost: the same quads as the N-Quads export
    assert set(ox.parse(nq, format=ox.RdfFormat.N_QUADS)) == set(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))


def test_contact_points_in_an_organisations_and_their_own_jsonld(server_both):
    """The organisation's JSON-LD links its contact points under "contactPoint"; a contact
    point's own JSON-LD gives its channels under their keys and, the other way round, whose it is
    ("contactPointOf")."""
    r = requests.get(server_both.url + "/id/organisation/unhcr.jsonld", timeout=60)
    assert r.status_code == 200
    doc = r.json()
    contacts = _values(doc, "contactPoint")
    assert {c["id"].rsplit("/", 1)[-1] for c in contacts} >= {"unhcr-41-79-200-7617", "unhcr-66-818-270-280"}
    assert all("ContactPoint" in _values(c, "type") for c in contacts)
    r = requests.get(server_both.url + "/id/contact/unhcr-41-79-200-7617.jsonld", timeout=60)
    assert r.status_code == 200
    cp = r.json()
    assert cp["telephone"] == "+41 79 200 7617" and cp["contactName"] == "Andrej Mahecic"
    assert cp["contactType"] == {"en": "further information on this topic"}
    assert cp["place"]["id"].endswith("/id/place/geneva")  # nested: its names beside it
    assert [o["id"] for o in cp["contactPointOf"]] == ["http://localhost:8000/id/organisation/unhcr"]
