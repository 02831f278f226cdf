"""One JSON object per log line, for log collectors (no dependency: the standard `logging`).

Fields: time, level, logger, message, the request id of the work in progress, any plain `extra=`
fields, and the traceback as one string. Newlines stay escaped inside the JSON: one line each.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from workflows.log_context import current_request_id

#: attributes every LogRecord has; anything else on a record came from `extra=`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


#: extra values written as they are; others are left out (Django's `django.request` passes the
#: request object, whose text holds the query string: tokens, e-mail addresses)
_PLAIN = (str, int, float, bool, type(None), list, dict)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id() or None,
        }
        line.update(
            {
                key: value
                for key, value in vars(record).items()
                if key not in _STANDARD and key not in line and key[0] != "_" and isinstance(value, _PLAIN)
            }
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
