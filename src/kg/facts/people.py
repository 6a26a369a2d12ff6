"""People: who is named, and the role each holds in an organisation.

A person (``kg:Person``, a foaf:Person) is labelled with the name as the document writes it
in its base form, in the document's language (no transliteration: a name is not
translated); every mention, by full name or surname, is evidence. A role the text gives
("the ICRC president", "председатель РКК") is an ``org:Membership``: ``org:member`` the
person, ``org:organization`` the organisation, ``org:role`` a role node (``org:Role``,
``role/<id>`` from ``data/lexicon/people.yaml``) labelled with the role's name in the
document's language.
"""

from __future__ import annotations

from ..claims import Lit
from ..components import component


@component("people_facts", needs=("sentences",))
def people_facts(doc) -> None:
    sink = doc.sink
    for m in doc.mentions:
        if m.kind != "person":
            continue
        ev = doc.evidence(m.norm_start, m.norm_end)
        sink.types(m.entity, "kg:Person", evidence=[ev])
        if m.role == "name":
            sink.add(m.entity, "skos:altLabel", Lit(m.name, m.lang), [ev])
    for f in doc.facts.get("people", []):
        if not f.organisation or f.organisation not in doc.entities:
            continue
        ev = doc.evidence(f.start, f.end)
        person = f.person.split("/", 1)[1]
        org = f.organisation.split("/", 1)[1]
        role = f"role/{f.role}"
        key = f"membership/{person}-{f.role}-{org}"
        sink.types(key, "org:Membership", evidence=[ev])
        sink.ref(key, "org:member", f.person)
        sink.ref(key, "org:organization", f.organisation)
        sink.ref(key, "org:role", role)
        sink.types(role, "org:Role")
        sink.add(role, "skos:altLabel", Lit(f.label, doc.lang))
