"""``zoo predict``: the top classes of image files, from a run's saved model."""

from __future__ import annotations

import click

from zoo_core.cli.common import echo_json, state


@click.command("predict")
@click.argument("model", metavar="RUN_DIR|MODEL.keras")
@click.argument("targets", nargs=-1, required=True, metavar="FILE_OR_FOLDER...")
@click.option("--top-k", "top_k", type=click.IntRange(min=1), default=3, show_default=True,
              help="Number of classes to show per file.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--skip-invalid", is_flag=True,
              help="Skip files that cannot be decoded and list them, instead of stopping at the first.")
@click.pass_context
def predict_command(ctx: click.Context, model: str, targets: tuple[str, ...], top_k: int, as_json: bool,
                    skip_invalid: bool) -> None:
    """Print the most probable classes of each image file, with their probabilities.

    Files are decoded with the settings the model was trained with (channels, size,
    interpolation). Folders are searched recursively for image files.
    """
    from zoo_core.predict import collect_files, load_model, model_path, predict_files, read_model_info

    path = model_path(model)
    info = read_model_info(path)
    files = collect_files(targets)
    loaded = load_model(path, info, state(ctx).plugins())
    predictions, skipped = predict_files(loaded, info, files, top_k, skip_invalid=skip_invalid)
    if as_json:
        echo_json({"model": str(path), "predictions": [p.to_dict() for p in predictions],
                   "skipped": [{"file": str(f), "reason": reason} for f, reason in skipped]})
        return
    for prediction in predictions:
        click.echo(prediction.file)
        width = max(len(name) for name in prediction.classes)
        for name, probability in zip(prediction.classes, prediction.probabilities):
            click.echo(f"  {name.ljust(width)}  {probability:.4f}")
    for file, reason in skipped:
        click.echo(f"skipped {file}: {reason}", err=True)
