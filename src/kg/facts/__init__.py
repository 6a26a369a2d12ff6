"""Facts: one module per kind of fact, each a registered component that reads the
annotated :class:`~kg.annotate.doc.Doc` and adds claims (with their passages) to its sink."""

from . import (  # noqa: F401  (register)
    activities,
    agreements,
    closures,
    contacts,
    cooperation,
    dates,
    document,
    entities,
    handovers,
    instruments,
    memberships,
    offices,
    people,
    principles,
    questions,
    referrals,
    situations,
)
