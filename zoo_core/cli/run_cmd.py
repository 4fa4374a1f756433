"""``zoo run``: train and evaluate one combination of components."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from zoo_core.cli.common import state
from zoo_core.config import apply_overrides, default_config, load_config_file


def build_config(config_file: str | None, options: dict[str, Any], overrides: tuple[str, ...]) -> dict[str, Any]:
    """Return the run configuration: defaults, then the file, then options, then ``--set``."""
    config = load_config_file(config_file) if config_file else default_config()
    shortcuts = []
    for section, key in (("dataset", "dataset"), ("augmentation", "augmentation"), ("architecture", "arch"),
                         ("optimizer", "optimizer"), ("loss", "loss"), ("schedule", "schedule")):
        if options.get(key):
            shortcuts.append(f"{section}.name={_quote(options[key])}")
    for key, option in (("epochs", "epochs"), ("batch_size", "batch_size"), ("learning_rate", "lr"),
                        ("seed", "seed")):
        if options.get(option) is not None:
            shortcuts.append(f"training.{key}={options[option]}")
    config = apply_overrides(config, shortcuts)
    if options.get("metrics"):
        config["metrics"] = [{"name": name} for name in options["metrics"]]
    return apply_overrides(config, overrides)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@click.command("run")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="TOML run configuration.")
@click.option("--out", type=click.Path(file_okay=False), help="Run directory to write (default: runs/DATE-ARCH-DATASET).")
@click.option("--overwrite", is_flag=True,
              help="Reuse an existing, non-empty --out directory: first remove the files and folders a run "
                   "writes there (model.keras, metrics.json, checkpoints/, ...); other files stay.")
@click.option("--dataset", help="Dataset name (default: digits).")
@click.option("--augmentation", help="Augmentation name (default: none).")
@click.option("--arch", help="Architecture name (default: simple-cnn).")
@click.option("--optimizer", help="Optimizer name (default: adam).")
@click.option("--loss", help="Loss name (default: cross-entropy).")
@click.option("--schedule", help="Learning-rate schedule name (default: constant).")
@click.option("--metric", "metrics", multiple=True, help="Metric name; repeatable (default: accuracy, precision, recall, f1).")
@click.option("--epochs", type=int, help="Number of epochs (default: 30).")
@click.option("--batch-size", type=int, help="Mini-batch size (default: 32).")
@click.option("--lr", type=float, help="Learning rate (default: the optimizer's own).")
@click.option("--seed", type=int, help="Random seed for splits, initialisation and shuffling (default: 0).")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
              help="Override any configuration value, e.g. --set architecture.filters=64; repeatable.")
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option("--strategy", type=click.Choice(["default", "mirrored", "multi-worker"]),
              help="Distribution strategy: one device, all local devices, or the workers in TF_CONFIG "
                   "(default: default). --batch-size is the global batch size.")
@click.option("--tensorboard", is_flag=True, default=None, help="Also write TensorBoard logs to RUN_DIR/tensorboard.")
@click.option("--precision", type=click.Choice(["float32", "mixed_float16", "mixed_bfloat16"]),
              help="Numeric precision: float32 (default) or a Keras mixed-precision policy.")
@click.option("--xla/--no-xla", default=None, help="Compile training steps with XLA (default: Keras decides).")
@click.option("--resume", "resume_dir", type=click.Path(file_okay=False, exists=True),
              help="Continue the run in this directory from its last checkpoint, with its config.json.")
@click.pass_context
def run_command(ctx: click.Context, config_file: str | None, out: str | None, overwrite: bool,
                overrides: tuple[str, ...], no_progress: bool, strategy: str | None, tensorboard: bool | None,
                resume_dir: str | None, **options: Any) -> None:
    """Train and evaluate a model, write the run directory and print the test metrics.

    With no options, trains simple-cnn on the digits dataset. Ctrl-C stops training, keeps the
    last completed epoch's checkpoint and prints the --resume command.
    """
    if resume_dir is not None:
        from zoo_core.session import resume_config

        config = resume_config(resume_dir, given=_given_options(config_file, out, overwrite, overrides, options))
        out, overwrite = resume_dir, False
    else:
        config = build_config(config_file, options, overrides)
    if strategy is not None:
        config["training"]["strategy"] = strategy
    if tensorboard:
        config["training"]["tensorboard"] = True
    for key in ("precision", "xla"):
        if options.get(key) is not None:
            config["training"][key] = options[key]
    from zoo_core.runinfo import RunInterrupted

    try:
        plugins = state(ctx).plugins()
        from zoo_core.resolve import resolve_run

        # Resolve first so that a wrong name or parameter fails before TensorFlow is imported.
        resolve_run(config, plugins.registry)
        from zoo_core.runner import run

        result = run(config, plugins, out=out, overwrite=overwrite, show_progress=not no_progress,
                     resume=resume_dir is not None)
    except RunInterrupted as interrupted:
        click.echo(f"Interrupted: {interrupted.message}", err=True)
        click.echo(f"Hint: {interrupted.hint}", err=True)
        # 130 = 128 + SIGINT, the shell's status for a program stopped by Ctrl-C.
        ctx.exit(130)
    except KeyboardInterrupt:
        # Ctrl-C before training started (loading plugins, importing TensorFlow, reading data).
        click.echo("Interrupted: zoo run stopped before training started; nothing to resume", err=True)
        ctx.exit(130)
    # The test split when there is one, else validation, else train (both fractions set to 0).
    split = next((name for name in ("test", "validation", "train") if name in result.metrics), "train")
    click.echo(f"{split} metrics:")
    for name, value in result.metrics.get(split, {}).items():
        click.echo(f"  {name}: {value:.4f}")
    click.echo(f"run directory: {Path(result.run_dir)}")


def _given_options(config_file: str | None, out: str | None, overwrite: bool, overrides: tuple[str, ...],
                   options: dict[str, Any]) -> list[str]:
    """Return the names of the configuration options given on the command line."""
    given = [f"--{name.replace('_', '-')}" for name, value in options.items() if value not in (None, (), False)]
    for name, value in (("--config", config_file), ("--out", out), ("--overwrite", overwrite), ("--set", overrides)):
        if value:
            given.append(name)
    return given
