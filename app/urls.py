"""The one check of a redirect target that a request or a stored record supplies."""

from urllib.parse import urlsplit


def safe_next_url(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: no open redirect through a "next" value.

    Browsers read "//host" and "/\\host" as another site, and drop tabs and line breaks from a URL,
    so only a plain absolute path is followed.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
