"""Private cache files: folders only the user can reach, files read without following links.

Shared by the parser-table cache (:mod:`hocx.syntax.tables`) and the translation cache of
``.mod`` files (:mod:`hocx.interp.mod_cache`).  Whatever is read through here is still data
to be checked by its caller (a key, a payload hash); these helpers only make sure nobody
else could have put it there:

* :func:`trusted_folder`: a folder (and its parent) of ours that nobody else can write — the
  test for the XLA compilation cache, whose entries are native code;
* :func:`private_dir`: a real folder (not a link), owned by the user, no group/other access;
  created 0700 when asked;
* :func:`read_private`: the text of a regular file owned by the user, opened with
  ``O_NOFOLLOW``, not writable by group or others; None otherwise;
* :func:`write_private`: atomic write (temp file in the same folder, then ``os.replace``).
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def trusted_folder(path: str) -> bool:
    """A real folder of ours, not writable by group or others (nor is its parent); a folder
    that does not exist yet is trusted when its parent is (it is created 0700).  A parent
    that others may write but with the sticky bit (``/tmp``) is fine when it is root's or
    ours: nobody else can rename or replace our folder in it."""
    path = os.path.abspath(os.path.expanduser(path))
    for i, p in enumerate((path, os.path.dirname(path))):
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not stat.S_ISDIR(st.st_mode):
            return False
        if i == 1 and st.st_mode & stat.S_ISVTX and st.st_uid in (0, os.getuid()):
            continue
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


def private_dir(path: Path, create: bool) -> bool:
    """True when ``path`` is a real folder of ours that nobody else can write (or read)."""
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return False
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return (stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid()
            and not st.st_mode & 0o077)


def read_private(path: Path) -> str | None:
    """The file's text if it is a regular file owned by us, not a link, not group/world writable."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
            return None
        with os.fdopen(fd, "r", encoding="utf-8") as f:
            fd = -1
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def write_private(folder: Path, name: str, text: str, suffix: str = ".json") -> bool:
    """Write ``folder/name`` atomically (a temp file, then rename); False if it failed."""
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=suffix)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, Path(folder) / name)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def seal(body: str, key: str, fmt: str) -> str:
    """``body`` behind a one-line JSON head naming its format, key and sha256 digest."""
    import hashlib
    import json
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return json.dumps({"format": fmt, "key": key, "sha256": digest}) + "\n" + body


def unseal(text: str, key: str, fmt: str) -> str | None:
    """The body of a :func:`seal`\\ ed text, or None when it is not for ``key``/``fmt`` or damaged."""
    import hashlib
    import json
    head, sep, body = text.partition("\n")
    if not sep:
        return None
    try:
        meta = json.loads(head)
    except ValueError:
        return None
    if not isinstance(meta, dict) or meta.get("format") != fmt or meta.get("key") != key:
        return None
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != meta.get("sha256"):
        return None
    return body
