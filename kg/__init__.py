"""kg: a researcher's CV and publications as a validated schema.org + FaBiO knowledge graph.

The library API, one function per pipeline stage::

    from kg import build, load_graph, validate_data
    result = build("data", "out")          # validate, then write out/kg.ttl, .jsonld, .nt
"""

from kg.errors import KgError, LoadError, Problem, RecordError, ValidationFailed
from kg.pipeline import BuildResult, build, load_graph, validate_data

__all__ = [
    "BuildResult",
    "KgError",
    "LoadError",
    "Problem",
    "RecordError",
    "ValidationFailed",
    "build",
    "load_graph",
    "validate_data",
]
__version__ = "0.1.0"
