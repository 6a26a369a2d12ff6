"""The query engine: SPARQL on the store, with no web framework in it.

* ``analysis``: what a query text is before anything runs it (its form, SERVICE, depth,
  the DESCRIBE's resources, its shape with the constants taken out);
* ``engine``: a query and its limits (``Job``) run on a store into a finished answer;
* ``describe``: the description of resources (DESCRIBE, and the pages' data);
* ``renderers``: the result formats, by name and media type, and writers that can cut;
* ``pool``, ``worker``, ``zygote``: worker processes that can be stopped at a deadline;
* ``fastlane``: which queries are cheap enough to run where the request arrived.

``kg query`` and the HTTP endpoint (``kg.web.sparql``) both go through ``engine``.
"""
