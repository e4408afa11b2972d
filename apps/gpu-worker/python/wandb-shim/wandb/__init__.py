"""A stand-in for the `wandb` package, so that scripts written for W&B sweeps run unchanged
under Rung: no account, no network, standard library only. Rung puts this package first on
PYTHONPATH for command trials (a trainer can opt out).

What a sweep script uses behaves as in W&B:
- ``wandb.init(config=defaults)``: the trial's parameters override the script's defaults (the
  sweep's values win, as in a W&B sweep); returns the run, also a context manager.
- ``wandb.config``: attribute and item access, ``update``, ``get``, ``keys``, ``items``, ``as_dict``.
- ``wandb.log(data, step=None, commit=None)``: each call is a step unless ``commit=False``; an
  explicit ``step`` merges into that step, and a step lower than the current one is ignored.
  Numeric values become the trial's report of that step; images, tables and the like are ignored.
- ``wandb.run.summary``: the trial's final metrics (else the last value logged of each).
- ``wandb.finish()`` (also at exit).
The rest (``watch``, ``save``, ``define_metric``, ``Image``, ``Table``, ``Artifact``, ``login``…)
is accepted and does nothing.
"""
import atexit
import json
import os
import sys

# Rung's helper is always on the path beside this package: one writer of metric lines.
from rung import _is_number, _write_line

__version__ = "0.0.0-rung-shim"

_SWEEP_PARAMS = json.loads(os.environ.get("RUNG_PARAMS", "{}"))


class Config:
    """wandb.config: the script's defaults with the trial's parameters over them."""

    def __init__(self):
        object.__setattr__(self, "_items", {})

    def _merge(self, values, keep_sweep=True):
        items = object.__getattribute__(self, "_items")
        for key, value in dict(values).items():
            # The sweep chose this one: the script's defaults and updates do not change it.
            if keep_sweep and key in _SWEEP_PARAMS:
                continue
            items[key] = value

    def update(self, values=None, allow_val_change=False, **kwargs):
        if values is not None and not isinstance(values, dict):
            values = vars(values)  # an argparse.Namespace
        self._merge({**(values or {}), **kwargs})

    def setdefaults(self, values):
        items = object.__getattribute__(self, "_items")
        for key, value in dict(values).items():
            items.setdefault(key, value)

    def get(self, key, default=None):
        return object.__getattribute__(self, "_items").get(key, default)

    def keys(self):
        return object.__getattribute__(self, "_items").keys()

    def items(self):
        return object.__getattribute__(self, "_items").items()

    def values(self):
        return object.__getattribute__(self, "_items").values()

    def as_dict(self):
        return dict(object.__getattribute__(self, "_items"))

    def __getattr__(self, key):
        items = object.__getattribute__(self, "_items")
        if key in items:
            return items[key]
        raise AttributeError(f"wandb.config has no key {key!r}")

    def __setattr__(self, key, value):
        self._merge({key: value})

    def __getitem__(self, key):
        return object.__getattribute__(self, "_items")[key]

    def __setitem__(self, key, value):
        self._merge({key: value})

    def __contains__(self, key):
        return key in object.__getattribute__(self, "_items")

    def __iter__(self):
        return iter(object.__getattribute__(self, "_items"))

    def __len__(self):
        return len(object.__getattribute__(self, "_items"))

    def __repr__(self):
        return f"wandb.Config({object.__getattribute__(self, '_items')!r})"


class Summary(dict):
    """wandb.run.summary: what the trial ends with; the last value logged of each key by default."""

    def update(self, values=None, **kwargs):
        super().update({**(values or {}), **kwargs})


class Run:
    def __init__(self, config, name=None):
        self.config = config
        self.summary = Summary()
        self.id = os.environ.get("RUNG_TRIAL_ID", "local")
        self.name = name or self.id
        self.sweep_id = self.id.rsplit("-", 1)[0] if "-" in self.id else None
        self.step = 0
        self._row = {}
        self._finished = False

    def log(self, data, step=None, commit=None):
        if step is not None:
            if step < self.step:
                print(
                    f"wandb: step {step} is before the current step {self.step}: ignored",
                    file=sys.stderr,
                )
                return
            if step > self.step:
                self._commit()
                self.step = step
        self._row.update(data)
        for key, value in data.items():
            if _is_number(value):
                self.summary[key] = value
        if commit or (commit is None and step is None):
            self._commit()

    def _commit(self):
        numbers = {k: v for k, v in self._row.items() if _is_number(v)}
        if numbers:
            _write_line({"step": self.step, **numbers})
        if self._row:
            self.step += 1
        self._row = {}

    def finish(self, exit_code=None, quiet=None):
        if self._finished:
            return
        self._finished = True
        self._commit()
        summary = {k: v for k, v in self.summary.items() if _is_number(v)}
        if summary:
            _write_line({"summary": summary})

    def define_metric(self, *args, **kwargs):
        return None

    def watch(self, *args, **kwargs):
        return None

    def save(self, *args, **kwargs):
        return None

    def log_artifact(self, *args, **kwargs):
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.finish()
        return False


config = Config()
run = None
summary = None


def init(project=None, entity=None, config=None, name=None, **kwargs):
    """Starts the run: the script's defaults, then the trial's parameters over them."""
    global run, summary
    if run is not None and not run._finished:
        return run
    this = globals()["config"]
    if config is not None:
        if not isinstance(config, dict):
            config = vars(config)
        this._merge(config)
    this._merge(_SWEEP_PARAMS, keep_sweep=False)
    run = Run(this, name=name)
    summary = run.summary
    return run


def log(data, step=None, commit=None):
    if run is None:
        init()
    run.log(data, step=step, commit=commit)


def finish(exit_code=None, quiet=None):
    if run is not None:
        run.finish(exit_code=exit_code)


def define_metric(*args, **kwargs):
    return None


def watch(*args, **kwargs):
    return None


def save(*args, **kwargs):
    return None


def login(*args, **kwargs):
    return True


def termlog(message="", *args, **kwargs):
    print(f"wandb: {message}", file=sys.stderr)


termwarn = termerror = termlog


def sweep(sweep=None, *args, **kwargs):
    """Under Rung the sweep already exists: its id."""
    trial = os.environ.get("RUNG_TRIAL_ID", "local-0")
    return trial.rsplit("-", 1)[0]


def agent(sweep_id=None, function=None, count=None, *args, **kwargs):
    """Under Rung each trial is one run: the function runs once."""
    if function is not None:
        function()


class _Media:
    """Images, tables, histograms…: accepted and ignored (a trial reports numbers)."""

    def __init__(self, *args, **kwargs):
        pass


Image = Table = Histogram = Audio = Video = Html = Object3D = Molecule = Artifact = _Media


class _Plot:
    def __getattr__(self, name):
        return lambda *args, **kwargs: _Media()


plot = _Plot()


@atexit.register
def _finish_at_exit():
    finish()
