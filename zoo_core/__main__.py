"""``python -m zoo_core``: the ``zoo`` command, for environments without the console script."""

from zoo_core.cli import main

if __name__ == "__main__":
    main(prog_name="zoo")
