"""Writing output files: one way for every command that writes one (``audit -o``, ``viz -o``,
``generate``).

The rule (README, "Output files"; SECURITY.md section 11):

- a new file, or an existing regular file, is written to a temporary file beside it and
  renamed into place, so a reader never sees half a file and a failure leaves what was there;
  a rewritten file keeps its permission bits (a report made 0600 stays 0600);
- a symbolic link is followed, as the shell's ``>`` does: the file it points to is the one
  written (atomically, as above), and the link stays a link. A link that points nowhere is
  refused: writing through it would create a file somewhere the command line does not name.
  ``generate`` does not follow links (``follow_links=False``): it replaces the link itself, so
  ``--force`` never writes outside the target directory;
- an existing file that is not a regular file (a FIFO, a terminal, ``/dev/null``,
  ``/dev/stdout``) is written through, never replaced: ``-o /dev/stdout`` prints the report
  (``generate``, which follows no links, refuses one);
- a directory, a missing directory, or a file that cannot be written (a read-only one
  included: it is not replaced behind its owner's back) is a :class:`DataError`
  (exit 2) naming the path: before any work (:func:`check_writable`) and, if the disk fills
  or the directory turns read-only meanwhile, when writing.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import DataError, Problem


def check_writable(path: str | Path, *, follow_links: bool = True) -> None:
    """Raise :class:`DataError` now, before the work, when ``path`` could not be written."""
    _where(Path(path), follow_links=follow_links)


def check_directory(path: str | Path) -> None:
    """Raise :class:`DataError` now, before the work, when files could not be written into the
    directory ``path`` (made if missing): something else is there, or the nearest directory
    that exists is not writable."""
    path = Path(path)
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise DataError(Problem(str(path), "is not a directory" if existing == path
                                           else f"cannot make the directory: {existing} is not a directory"))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise DataError(Problem(str(path), f"cannot write: the directory {existing} is not writable"))


def write_atomically(path: str | Path, data: bytes, *, follow_links: bool = True) -> Path:
    """Write ``data`` to ``path`` by the rule of this module; returns ``path``.

    A new file gets the permissions a plain ``open`` would give it (``0o666`` less the
    umask); an existing one keeps its own.
    """
    path = Path(path)
    target, mode, special = _where(path, follow_links=follow_links)
    try:
        if special:
            with open(target, "wb") as fh:  # a FIFO, a terminal, /dev/null: written through
                fh.write(data)
        else:
            _replace(target, data, mode)
    except OSError as exc:
        raise DataError(Problem(str(path), f"cannot write: {exc.strerror or exc}")) from None
    return path


def _where(path: Path, *, follow_links: bool) -> tuple[Path, int | None, bool]:
    """(the file to write, the mode to keep or None, whether it is written through)."""
    try:
        own = path.lstat()
    except FileNotFoundError:
        own = None
    except OSError as exc:
        raise DataError(Problem(str(path), f"cannot write: {exc.strerror or exc}")) from None
    if own is not None and stat.S_ISLNK(own.st_mode) and follow_links:
        try:
            followed = path.stat()
        except OSError:
            raise DataError(Problem(str(path), f"is a symbolic link to {os.readlink(path)}, which does not exist; "
                                               "remove the link or name another file")) from None
        if not stat.S_ISREG(followed.st_mode) and not stat.S_ISDIR(followed.st_mode):
            own, target = followed, path  # a link to a FIFO or a device (/dev/stdout): written through
        else:
            own, target = followed, Path(os.path.realpath(path))
    else:
        target = path
    if own is not None and stat.S_ISDIR(own.st_mode):
        raise DataError(Problem(str(path), "is a directory"))
    if own is not None and not stat.S_ISREG(own.st_mode) and not stat.S_ISLNK(own.st_mode):
        if not follow_links:
            raise DataError(Problem(str(path), "is not a regular file; remove it or name another file"))
        if not os.access(target, os.W_OK):
            raise DataError(Problem(str(path), "cannot write: permission denied"))
        return target, None, True
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise DataError(Problem(str(path), f"the directory to write into does not exist (no such directory: {parent})"))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise DataError(Problem(str(path), f"cannot write: the directory {parent} is not writable"))
    mode = stat.S_IMODE(own.st_mode) if own is not None and stat.S_ISREG(own.st_mode) else None
    if mode is not None and not os.access(target, os.W_OK):  # as the shell's > would, not replaced behind it
        raise DataError(Problem(str(path), "cannot write: the file is read-only (permission denied)"))
    return target, mode, False


def _replace(target: Path, data: bytes, mode: int | None) -> None:
    parent = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
