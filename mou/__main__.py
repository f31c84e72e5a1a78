"""`python -m mou`: the same program as the `mou` command."""

from mou.start import main

main(prog_name="mou")
