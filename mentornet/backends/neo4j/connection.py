"""What the driver's errors mean to a user: which ones say the server cannot be used, and
one line saying why (never the password)."""
from __future__ import annotations

import logging
import neo4j.exceptions as nx_exc

from .. import masked_uri

#: Errors meaning the server cannot be used: unreachable, gone, or refusing the credentials.
UNAVAILABLE = (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, nx_exc.AuthError,
               nx_exc.DatabaseUnavailable, nx_exc.ConfigurationError, nx_exc.ConnectionAcquisitionTimeoutError,
               OSError)



def _keys_and_values(result) -> tuple[list[str], list[list]]:
    keys = list(result.keys())
    return keys, [list(record.values()) for record in result]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def unavailable_message(uri: str, exc: BaseException, password: str | None = None,
                        connect_timeout: float | None = None) -> str:
    """One line saying why ``uri`` cannot be used; the password is never part of it."""
    text = str(exc)
    if connect_timeout and ("deadline" in text.lower() or "timed out" in text.lower()):
        reason = (f"the server did not answer within {connect_timeout:g} s "
                  "(raise --connect-timeout / MENTORNET_NEO4J_CONNECT_TIMEOUT if it is just slow)")
    elif isinstance(exc, nx_exc.AuthError):
        reason = "authentication failed (check --user / NEO4J_USERNAME and NEO4J_PASSWORD)"
    elif isinstance(exc, nx_exc.Neo4jError) and "database" in str(exc.message or "").lower():
        reason = _one_line(exc.message)
    elif isinstance(exc, (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError)):
        reason = "cannot reach the server (is it running, and is the address right?)"
    else:
        reason = _one_line(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
    message = f"{masked_uri(uri)}: {reason}"
    if password:
        message = message.replace(password, "***")
    return message


def quiet_driver_logs() -> None:
    """Keep the driver's own log lines (a lost connection logs about ten) off the terminal:
    what went wrong is said once, by :func:`unavailable_message`. Python prints the records of
    a logger without handlers on stderr; a handler that drops them stops that."""
    logger = logging.getLogger("neo4j")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())

