"""Many addresses of one route that differ by one path argument, with one `reverse` for all.

`reverse` costs some 30 µs; a list of 1,000 rows (the API) or of cards (the directory) would
call it once a row. Reverse the route once with `ARGUMENT` (`reverse(name, args=[ARGUMENT])`,
made absolute or not), then `fill` the pattern for each value, quoted as `reverse` quotes it.
"""

from __future__ import annotations

from urllib.parse import quote

#: the path argument to reverse the pattern with
ARGUMENT = "{}"
#: `ARGUMENT` as `reverse` quotes it, and what `reverse` leaves unquoted in a path argument
_QUOTED_ARGUMENT = "%7B%7D"
_URL_SAFE = "!$&'()*+,;=/~:@"


def fill(pattern: str, value: str) -> str:
    return pattern.replace(_QUOTED_ARGUMENT, quote(value, safe=_URL_SAFE))
