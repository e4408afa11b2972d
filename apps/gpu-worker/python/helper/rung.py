"""Rung's helper for command trainers: one file, standard library only.

    import rung
    params = rung.params()                   # this trial's parameters
    start = 1
    if rung.resume_from():                   # an earlier attempt saved a checkpoint
        load_state(rung.resume_from())
        start = rung.resume_step() + 1
    for epoch in range(start, 11):
        loss = train_one_epoch(params)
        rung.report(epoch, val_loss=loss)      # one report per step
        save_state(rung.checkpoint_dir())
        rung.checkpoint_saved(epoch)           # a retry resumes from here
        if rung.should_stop():                 # pruned or cancelled: leave
            break

Outside Rung (no RUNG_* variables) it still works: reports are printed as JSON lines.
"""
import json
import os
import signal
import sys

__all__ = [
    "params",
    "report",
    "should_stop",
    "checkpoint_dir",
    "checkpoint_saved",
    "resume_from",
    "resume_step",
    "trial_id",
    "seed",
]

_stop_requested = False
_handler_installed = False


def params():
    """This trial's parameters, as a dict (nested groups as nested dicts)."""
    return json.loads(os.environ.get("RUNG_PARAMS", "{}"))


def trial_id():
    """This trial's id (``<sweep>-<number>``), or None outside Rung."""
    return os.environ.get("RUNG_TRIAL_ID")


def seed():
    """The seed Rung chose for this trial (an int), or None outside Rung."""
    value = os.environ.get("RUNG_SEED")
    return int(value) if value is not None else None


def report(step=None, **metrics):
    """Reports the metrics of one step (an int >= 0; the next one when omitted).

    Only finite numbers are kept; other values are ignored.
    """
    line = {k: v for k, v in metrics.items() if _is_number(v)}
    if step is not None:
        line["step"] = int(step)
    _write_line(line)


def should_stop():
    """True once Rung asked this trial to stop (pruned or cancelled).

    The first call makes SIGTERM a request rather than the end: the program may then save a
    checkpoint and return. It has the trainer's grace period (10 s by default) to do so.
    """
    global _handler_installed
    if not _handler_installed:
        _handler_installed = True
        try:
            signal.signal(signal.SIGTERM, _on_sigterm)
        except ValueError:
            pass  # not the main thread: the stop file still answers
    stop_file = os.environ.get("RUNG_STOP_FILE")
    return _stop_requested or bool(stop_file and os.path.exists(stop_file))


def checkpoint_dir():
    """The folder this trial may save checkpoints in (created if needed), or None outside Rung."""
    path = os.environ.get("RUNG_CHECKPOINT_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
    return path


def checkpoint_saved(step):
    """Says that checkpoint_dir() now holds the state after ``step``, saved completely.

    A retried attempt of the trial then resumes from it (resume_from(), resume_step()). Save
    under a temporary name and rename, so that a crash mid-save leaves the last one whole.
    """
    _write_line({"checkpoint": {"step": int(step)}})


def resume_from():
    """The checkpoint folder an earlier attempt of this trial saved into, or None."""
    return os.environ.get("RUNG_RESUME_FROM") or None


def resume_step():
    """The last step the checkpoint to resume from covers (report from the next), or None."""
    value = os.environ.get("RUNG_RESUME_STEP")
    return int(value) if value else None


def _on_sigterm(_signum, _frame):
    global _stop_requested
    _stop_requested = True


def _is_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return value == value and value not in (float("inf"), float("-inf"))


def _write_line(line):
    text = json.dumps(line)
    path = os.environ.get("RUNG_METRICS_FILE")
    if not path:
        print(text, flush=True)
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write(text + "\n")
        f.flush()


if __name__ == "__main__":
    sys.exit("rung.py is a module: import rung")
