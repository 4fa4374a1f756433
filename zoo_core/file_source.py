"""A sample source that decodes image files on demand, in parallel, inside ``tf.data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Sequence

import numpy as np

from zoo_core.imageio import load_image

if TYPE_CHECKING:
    import tensorflow as tf


@dataclass
class FileSource:
    """Image files decoded with :func:`zoo_core.imageio.load_image` each time they are read.

    Every file must decode to ``shape``, so ``image_size`` is required unless all files share
    one size. ``tf.data``'s parallel map calls the decoder from several threads at once.
    """

    paths: Sequence[str]
    shape: tuple[int, int, int]
    image_size: tuple[int, int] | None
    interpolation: str = "bilinear"
    #: Tells the training pipelines not to keep the decoded images in memory.
    cache_in_memory: ClassVar[bool] = False

    def tf_dataset(self, indices: np.ndarray) -> "tf.data.Dataset":
        """Return the decoded images at ``indices`` as float32 tensors, in order."""
        import tensorflow as tf

        channels = self.shape[2]
        paths = np.asarray([self.paths[i] for i in indices], dtype=object).astype(str)

        def decode(path: bytes) -> np.ndarray:
            return load_image(path.decode("utf-8"), channels, self.image_size, self.interpolation)

        def decode_tensor(path: "tf.Tensor") -> "tf.Tensor":
            image = tf.numpy_function(decode, [path], tf.float32, stateful=False)
            image.set_shape(self.shape)
            return image

        files = tf.data.Dataset.from_tensor_slices(paths)
        return files.map(decode_tensor, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
