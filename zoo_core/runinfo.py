"""The run metadata file ``run.json``: status, times, strategy and how to repeat or resume the run.

``status`` is ``running`` while the run trains, then ``finished``, ``failed`` (with the error) or
``interrupted`` (Ctrl-C). A run killed without a chance to write, for example by SIGKILL or a
power cut, stays ``running``; its checkpoints are still usable with ``zoo run --resume``.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import logging
import platform
import shlex
import sys
from pathlib import Path
from typing import Any, Iterator

from zoo_core.checkpoints import CHECKPOINT_FOLDER, LATEST_FILE
from zoo_core.errors import RunError, ZooError
from zoo_core.rundir import write_json_atomic

logger = logging.getLogger(__name__)

RUN_FILE = "run.json"
STATUSES: tuple[str, ...] = ("running", "finished", "failed", "interrupted")


class RunInterrupted(RunError):
    """The user stopped training with Ctrl-C. The run can be resumed from its last checkpoint."""


def now() -> str:
    """Return the current UTC time in ISO 8601 format, to the second."""
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def read_run_info(run_dir: str | Path) -> dict[str, Any]:
    """Return the contents of ``run.json`` in ``run_dir``, or an empty dict when it is missing."""
    path = Path(run_dir) / RUN_FILE
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        logger.warning("cannot read %s: %s", path, error)
        return {}


def update_run_info(run_dir: str | Path, **changes: Any) -> dict[str, Any]:
    """Apply ``changes`` to ``run.json`` atomically and return the new contents."""
    info = read_run_info(run_dir)
    info.update(changes)
    info["updated"] = now()
    write_json_atomic(Path(run_dir) / RUN_FILE, info)
    return info


def resume_command(run_dir: str | Path) -> str:
    """Return the shell command that resumes the run in ``run_dir``."""
    return f"zoo run --resume {shlex.quote(str(run_dir))}"


@contextlib.contextmanager
def tracked_run(run_dir: Path, resumed: bool, **facts: Any) -> Iterator[None]:
    """Mark the run ``running`` for the duration of the block, then record how it ended.

    Ctrl-C (KeyboardInterrupt) becomes RunInterrupted, whose hint is the resume command.
    Any other exception marks the run ``failed`` with its message and propagates unchanged.
    """
    info = read_run_info(run_dir)
    changes: dict[str, Any] = {"status": "running", "error": None, "finished": None, **facts}
    if resumed:
        changes["resumed"] = [*info.get("resumed", []), {"at": now(), "command": _command_line()}]
    else:
        changes.update({"started": now(), "command": _command_line(), "host": platform.node(),
                        "platform": platform.platform()})
    update_run_info(run_dir, **changes)
    try:
        yield
    except KeyboardInterrupt:
        update_run_info(run_dir, status="interrupted", error="interrupted by the user (Ctrl-C)")
        if not (run_dir / CHECKPOINT_FOLDER / LATEST_FILE).is_file():
            raise RunInterrupted(
                "training interrupted before the first epoch ended, so there is no checkpoint to resume from",
                "run the same command again; it reuses the folder, since the run has no checkpoint",
            ) from None
        raise RunInterrupted(
            f"training interrupted, and the last completed epoch is saved in {run_dir / CHECKPOINT_FOLDER}",
            f"resume with: {resume_command(run_dir)}",
        ) from None
    except BaseException as error:
        message = error.message if isinstance(error, ZooError) else str(error) or type(error).__name__
        update_run_info(run_dir, status="failed", error=_shorten(message))
        raise
    update_run_info(run_dir, status="finished", finished=now())


def _command_line() -> str:
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]]) if sys.argv else ""


def _shorten(message: str, limit: int = 500) -> str:
    """Return the first line of ``message``, cut to ``limit`` characters (tensor dumps can be huge)."""
    first = message.strip().splitlines()[0] if message.strip() else message
    return first if len(first) <= limit else first[: limit - 3] + "..."
