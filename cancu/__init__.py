"""cancu: a knowledge graph of Vietnamese legal documents (căn cứ = legal basis)."""

__version__ = "0.1.0"
