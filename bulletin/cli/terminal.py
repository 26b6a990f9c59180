"""What the commands print: text read from files made safe for a terminal.

Station ids, file names and messages quoting them come from untrusted files: an escape sequence
in them would clear the screen or set the window title, a direction override would reverse what
follows, a field of ten million characters would flood the terminal.
"""

from __future__ import annotations

import re

import click

from ..files import CONTROL_CHARACTERS

_CONTROLS = CONTROL_CHARACTERS
_LONG = re.compile(r"\S{300,}")


def terminal_safe(text: str) -> str:
    r"""``text`` as it may be shown on a terminal: control and direction characters escaped, huge words cut.

    An escape sequence in a station id would clear the screen or set the window title, a
    right-to-left override would reverse what follows; each is shown as its Python escape.
    A word of 300 characters or more (a field of ten million characters quoted in a message)
    is shortened to its ends and its length.

    >>> terminal_safe("station '\x1b]0;owned\x07x' and \u202eabc")
    "station '\\x1b]0;owned\\x07x' and \\u202eabc"
    >>> terminal_safe("id " + "x" * 1000 + " end")
    'id xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...[1,000 characters]...xxxxxxxxxxxxxxxxxxxx end'
    """
    text = _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return _LONG.sub(lambda m: f"{m.group()[:60]}...[{len(m.group()):,} characters]...{m.group()[-20:]}", text)


def say_json(text: str) -> None:
    """Print JSON text on stdout, its control and direction characters as JSON escapes (still the same JSON)."""
    click.echo(_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def say(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print ``text`` (made :func:`terminal_safe`) on stdout, or stderr with ``err``."""
    click.echo(terminal_safe(text), err=err, nl=nl)

