"""Facts: one module per kind of fact, each a registered component that reads the
annotated :class:`~kg.annotate.doc.Doc` and adds claims (with their passages) to its sink."""

from . import (  # noqa: F401  (register)
    activities,
    agreements,
    closures,
    collectives,
    contacts,
    cooperation,
    dates,
    document,
    entities,
    handovers,
    instruments,
    memberships,
    offers,
    offices,
    people,
    principles,
    programmes,
    questions,
    referrals,
    situations,
    units,
)
