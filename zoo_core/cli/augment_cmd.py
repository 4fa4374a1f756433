"""``zoo augment``: look at what an augmentation does before training with it."""

from __future__ import annotations

from pathlib import Path

import click

from zoo_core.cli.common import state
from zoo_core.errors import ConfigError
from zoo_core.plural import plural


@click.group("augment")
def augment_group() -> None:
    """Inspect augmentations."""


@augment_group.command("preview")
@click.argument("name")
@click.option("--dataset", default="digits", show_default=True, help="Dataset whose training images are shown.")
@click.option("--set", "overrides", multiple=True, metavar="SECTION.KEY=VALUE",
              help="Set a dataset or augmentation parameter, e.g. --set augmentation.degrees=30; repeatable.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="PNG file to write; an existing file is replaced.")
@click.option("--samples", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Number of training images, one per row.")
@click.option("--versions", type=click.IntRange(1, 16), default=4, show_default=True,
              help="Number of augmented copies of each image, one per column after the original.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the image choice and of the augmentation.")
@click.pass_context
def preview_command(ctx: click.Context, name: str, dataset: str, overrides: tuple[str, ...], out: Path,
                    samples: int, versions: int, seed: int) -> None:
    """Draw training images of a dataset next to augmented copies, as a PNG grid.

    NAME is the augmentation, e.g. randaugment. Each row shows one image, first as it is stored,
    then as the augmentation changes it.
    """
    if out.suffix.lower() != ".png":
        raise ConfigError(f"--out must name a .png file, got {str(out)!r}", f"use e.g. --out {out.with_suffix('.png')}")
    from zoo_core.augment_preview import collect_preview, preview_config, render_preview
    from zoo_core.rundir import write_bytes_atomic

    config = preview_config(name, dataset, overrides)
    images = collect_preview(config, state(ctx).plugins().registry, samples, versions, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out, render_preview(images))
    click.echo(f"wrote {out}: {plural(images.originals.shape[0], 'image')}, "
               f"{plural(versions, 'augmented copy', 'augmented copies')} each")
