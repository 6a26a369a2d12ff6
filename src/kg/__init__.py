"""Knowledge graph of humanitarian organisations, built from documents.

Data flows one way: sources -> text -> mentions -> claims -> rdf -> validate -> store -> web.
"""

__version__ = "0.1.0"
