"""How a pairing item's id names the partner, as `connectors.pairing` documents it."""

from __future__ import annotations

import hashlib
import re


def partner_key(email: str) -> str:
    """The partner's part of a pairing item's id: the e-mail's local part and a hash of
    the address (so exports do not show it)."""
    local = re.sub(r"[^a-z0-9._-]+", "-", email.lower().split("@")[0]).strip("-")
    return f"{local}-{hashlib.sha1(email.lower().encode()).hexdigest()[:6]}"
