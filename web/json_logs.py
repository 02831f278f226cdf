"""One JSON object per log line, for log collectors (no dependency: the standard `logging`).

Fields: time, level, logger, message, the request id of the work in progress, any `extra=`
fields, and the traceback as one string. Newlines stay escaped inside the JSON: one line each.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from workflows.log_context import current_request_id

#: attributes every LogRecord has; anything else on a record came from `extra=`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


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
            {k: v for k, v in vars(record).items() if k not in _STANDARD and k not in line and k[0] != "_"}
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
