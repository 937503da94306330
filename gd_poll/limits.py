"""Rate limits: token buckets kept in the store, so every worker process and machine shares them.

A bucket holds up to ``capacity`` tokens and refills at ``rate`` tokens a second; an action takes one
token or is refused. Buckets are keyed by what is limited and by whom: ``join:addr:<client address>``,
``vote:tok:<browser token>``, ``start:addr:<address>``. The address is the forwarded client address
(HAProxy's ``X-Forwarded-For``), never used to identify a voter, only to slow a flood.

Why in the store rather than HAProxy stick tables: the limits are per class action (a reload of a
joined phone costs nothing; only a *new* browser takes a join token), which the proxy cannot see, and
the same numbers then hold with one worker, several, or several machines sharing PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from gd_poll.db import Tx
from gd_poll.errors import RateLimited

_KEY_CHARS = 200
STALE_S = 3600.0  # a bucket untouched this long is full again: its row can go


@dataclass(frozen=True)
class Limit:
    """``capacity`` actions at once, then ``rate`` a second; ``why`` is the refusal's sentence."""

    name: str
    capacity: float
    rate: float
    why: str


# A school's whole class may share one address (NAT): a burst of 120 new browsers, then two a second
# (a lecture of 200 behind one address is in within 40 s); a flood from one address gets no more.
JOIN_PER_ADDRESS = Limit("join:addr", 120, 2.0, "Too many new browsers from this network are joining "
                         "right now. Wait a few seconds; the page tries again by itself.")
JOIN_PER_TOKEN = Limit("join:tok", 20, 0.2, "This browser is joining too often. Wait a few seconds.")
VOTE_PER_TOKEN = Limit("vote:tok", 10, 0.5, "You are sending answers too fast. Wait a few seconds "
                       "and send again.")
VOTE_PER_ADDRESS = Limit("vote:addr", 300, 5.0, "Too many answers from this network at once. Wait a "
                         "few seconds and send again.")
START_PER_ADDRESS = Limit("start:addr", 3, 1 / 120, "Too many classes were started from this network "
                          "in the last minutes. Wait two minutes, or continue the class you started.")


def bucket_key(limit: Limit, who: str) -> str:
    return f"{limit.name}:{who}"[:_KEY_CHARS]


def take(tx: Tx, limit: Limit, who: str, stamp: float) -> None:
    """Take one token from ``limit``'s bucket for ``who`` inside ``tx``; :class:`RateLimited` if empty.

    The refusal is raised inside the caller's transaction, which rolls back: a refused action costs
    nothing, and an action refused later for another reason (a full class) gives its token back.
    """
    key = bucket_key(limit, who or "?")
    tx.run("INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (?, ?, ?) "
           "ON CONFLICT (bucket) DO NOTHING", (key, float(limit.capacity), stamp))
    tokens, updated = tx.one("SELECT tokens, updated_at FROM rate_buckets WHERE bucket = ?" + tx.for_update,
                             (key,))
    tokens = min(float(limit.capacity), tokens + max(0.0, stamp - updated) * limit.rate)
    if tokens < 1.0:
        raise RateLimited(limit.why)
    tx.run("UPDATE rate_buckets SET tokens = ?, updated_at = ? WHERE bucket = ?", (tokens - 1.0, stamp, key))


def purge(tx: Tx, stamp: float) -> int:
    """Forget buckets untouched for an hour (they would be full again anyway)."""
    return tx.run("DELETE FROM rate_buckets WHERE updated_at < ?", (stamp - STALE_S,))
