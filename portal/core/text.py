"""Wording shared by every history line."""

import re


def one_full_stop(text) -> str:
    """A history line ends with one full stop, even when the reason it quotes ended with its own ("x.." -> "x.")."""
    return re.sub(r"\.(\s*\.)+", ".", str(text))
