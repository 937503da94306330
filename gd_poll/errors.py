"""What can go wrong with a poll, as exceptions whose message can be shown to a student or teacher as is.

The pages catch :class:`PollError` and print ``str(exc)``; the subclasses let them react differently
(e.g. a closed poll shows the result instead of the answer buttons). Nothing here names a table, a
query or a path: those details stay in the chained exception (``raise … from …``) for the logs.
"""

from __future__ import annotations


class PollError(Exception):
    """Base class: any refusal of the poll store. ``str(exc)`` is a sentence fit for the user."""


class PollNotFound(PollError):
    """No poll has this code (a typo, a code from another server, or a poll already purged)."""


class PollExpired(PollError):
    """The poll is older than its 24 h lifetime."""


class PollClosed(PollError):
    """The poll takes no more answers: the teacher revealed the result or closed it."""


class PollFull(PollError):
    """A new voter arrived after the poll reached its answer cap."""


class NotOwner(PollError):
    """The owner secret is missing or wrong: only the teacher who started the poll may reveal or close it."""


class BadAnswer(PollError):
    """The answer is not one of :data:`gd_poll.ANSWERS`."""


class BadVoter(PollError):
    """The voter id is not 1–64 characters of ``A–Z a–z 0–9 _ -``."""


class BadQuestion(PollError):
    """The frozen run is not a small, plain question (see :func:`gd_poll.validate_question`)."""


class StoreUnavailable(PollError):
    """The database cannot be reached or is too busy; trying again later may work."""


class RateLimited(PollError):
    """Too many actions of one kind from one browser or network in a short time; wait and retry."""


class JoiningClosed(PollError):
    """The teacher closed joining: only browsers that joined before may take part."""


class ClassEnded(PollClosed):
    """The teacher ended the class (it stays readable until it expires)."""


class StepLocked(PollClosed):
    """The question takes no more answers: revealed, or the teacher moved to another step."""
