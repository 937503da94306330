"""Poll codes, owner secrets and voter ids: the three strings that cross the network.

A code is read off a projector and typed on a phone, so its alphabet leaves out the characters people
confuse: 0/O and 1/I. That leaves 32 symbols (digits 2–9 and the letters without I and O), and six of
them carry exactly 30 bits: guessing a live code among a few hundred polls is hopeless, and the code
still fits in a large font. ``L`` stays in: with ``1`` and ``I`` gone nothing upper-case resembles it,
and a typed ``l`` is upper-cased to it. Codes from outside the alphabet are not "corrected"; they are
simply not found.

The owner secret is what lets the teacher's session reveal and close its poll. It never appears in a
URL; the database keeps only its SHA-256, so a leaked database cannot be used to close polls.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets

from gd_poll.errors import BadVoter, NotOwner, PollNotFound

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CODE_BITS = CODE_LENGTH * math.log2(len(ALPHABET))  # 30.0
SECRET_BYTES = 32  # token_urlsafe(32): 43 characters, 256 bits
_MAX_SECRET_CHARS = 200  # longer than any token we hand out; bounds the hashing work
_VOTER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SEPARATORS = str.maketrans("", "", " \t-")  # "ABC DEF" or "ABC-DEF" as a teacher may write it


def new_code() -> str:
    """A fresh random code: ``CODE_LENGTH`` symbols of ``ALPHABET`` drawn with :mod:`secrets`."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: object) -> str:
    """The canonical spelling of a typed code: spaces and hyphens dropped, upper case.

    Raises
    ------
    PollNotFound
        When the result is not ``CODE_LENGTH`` symbols of ``ALPHABET`` (no such poll can exist).
    """
    if not isinstance(code, str) or len(code) > 4 * CODE_LENGTH:
        raise PollNotFound("There is no poll with this code. Check it and try again.")
    canonical = code.translate(_SEPARATORS).upper()
    if len(canonical) != CODE_LENGTH or any(ch not in ALPHABET for ch in canonical):
        shown = f"the code {canonical}" if canonical.isascii() and canonical.isalnum() else "that code"
        raise PollNotFound(f"There is no poll with {shown}: codes are {CODE_LENGTH} characters of "
                           f"{ALPHABET}. Check it and try again.")
    return canonical


def new_owner_secret() -> str:
    """A fresh owner secret for the teacher's session (URL-safe, 256 bits)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """The SHA-256 (hex) the database keeps instead of the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_owner(secret: object, stored_hash: str) -> None:
    """Raise :class:`NotOwner` unless ``secret`` hashes to ``stored_hash`` (constant-time comparison)."""
    ok = isinstance(secret, str) and 0 < len(secret) <= _MAX_SECRET_CHARS and \
        hmac.compare_digest(hash_secret(secret), stored_hash)
    if not ok:
        raise NotOwner("Only the teacher who started this poll can do that.")


def check_voter(voter_id: object) -> str:
    """``voter_id`` itself if it is 1–64 characters of ``A–Z a–z 0–9 _ -``; else :class:`BadVoter`."""
    if not isinstance(voter_id, str) or not _VOTER_ID.fullmatch(voter_id):
        raise BadVoter("This device could not be identified; reload the page and answer again.")
    return voter_id
