"""mou: the implementation record of a memorandum of understanding, kept as YAML in git."""

import os

__version__ = "0.1.0"

# pydantic looks for plugins (observability hooks, `pydantic` entry points) when it builds the
# first model, by reading the metadata of every installed package: 5-20 ms of each run of mou,
# which uses none. The `mou` program (mou.start) turns them off unless the user says otherwise;
# a program using mou as a library keeps pydantic's own behaviour, and programs mou starts (the
# editor) get the environment without it.
PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
plugins_turned_off = False  # whether mou.start set PLUGINS_VARIABLE


def child_environment() -> dict[str, str]:
    """The environment for a program mou starts: the user's, without what mou set for itself."""
    environment = dict(os.environ)
    if plugins_turned_off:
        environment.pop(PLUGINS_VARIABLE, None)
    return environment
