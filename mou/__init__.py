"""mou: the implementation record of a memorandum of understanding, kept as YAML in git."""

__version__ = "0.1.0"
