"""The mnist-idx, cifar and npz datasets on files that the tests write."""

from __future__ import annotations

import os
import pickle
import tarfile
from pathlib import Path
from typing import Callable

import numpy as np
import pytest

from zoo_core.builtins.cifar import cifar, load_batch
from zoo_core.builtins.idx import mnist_idx
from zoo_core.builtins.npz import npz
from zoo_core.errors import DataError


def _mnist_folder(folder: Path, make_idx: Callable[..., Path], train: int = 12, test: int = 5) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    arrays = {
        "train_images": rng.integers(0, 256, (train, 28, 28)).astype(np.uint8),
        "train_labels": (np.arange(train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (test, 28, 28)).astype(np.uint8),
        "test_labels": (np.arange(test) % 10).astype(np.uint8),
    }
    folder.mkdir(parents=True, exist_ok=True)
    make_idx(folder / "train-images-idx3-ubyte.gz", arrays["train_images"], compress=True)
    make_idx(folder / "train-labels-idx1-ubyte.gz", arrays["train_labels"], compress=True)
    make_idx(folder / "t10k-images-idx3-ubyte", arrays["test_images"])
    make_idx(folder / "t10k-labels-idx1-ubyte", arrays["test_labels"])
    return arrays


def test_idx_reads_raw_and_gzip(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    arrays = _mnist_folder(tmp_path, make_idx)

    dataset = mnist_idx(str(tmp_path))

    assert dataset.input_shape == (28, 28, 1)
    assert dataset.class_names == [str(digit) for digit in range(10)]
    np.testing.assert_array_equal(dataset.source.images[:12, ..., 0], arrays["train_images"])
    np.testing.assert_array_equal(dataset.source.images[12:, ..., 0], arrays["test_images"])
    np.testing.assert_array_equal(dataset.labels[dataset.splits["test"]], arrays["test_labels"])
    assert dataset.splits["train"].tolist() == list(range(12))
    assert dataset.ids[0] == "train-images-idx3-ubyte.gz#0"


def test_idx_gzip_found_by_content(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    _mnist_folder(tmp_path, make_idx)
    # A gzip file without the .gz suffix still decompresses, because the content decides.
    (tmp_path / "train-images-idx3-ubyte.gz").rename(tmp_path / "train-images-idx3-ubyte")

    dataset = mnist_idx(str(tmp_path))

    assert dataset.splits["train"].size == 12


def test_idx_wrong_magic_rejected(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    _mnist_folder(tmp_path, make_idx)
    make_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((5, 28, 28)), magic=b"<!DO")

    with pytest.raises(DataError, match="t10k-images-idx3-ubyte is not an IDX file: wrong magic number 3c21444f"):
        mnist_idx(str(tmp_path))


def test_idx_header_promising_more_rejected(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    _mnist_folder(tmp_path, make_idx)
    path = tmp_path / "t10k-images-idx3-ubyte"
    data = path.read_bytes()
    path.write_bytes(data[:4] + (6).to_bytes(4, "big") + data[8:])

    with pytest.raises(DataError) as caught:
        mnist_idx(str(tmp_path))

    assert "header promises shape (6, 28, 28) (4704 bytes of values)" in caught.value.message
    assert "the file contains 3920 bytes after the header" in caught.value.message


def test_idx_count_mismatch_rejected(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    _mnist_folder(tmp_path, make_idx)
    make_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(4))

    with pytest.raises(DataError, match="t10k-images-idx3-ubyte contains 5 images but t10k-labels-idx1-ubyte contains 4 labels"):
        mnist_idx(str(tmp_path))


def test_idx_emnist_prefix_transposes(tmp_path: Path, make_idx: Callable[..., Path]) -> None:
    images = np.arange(2 * 28 * 28).reshape(2, 28, 28).astype(np.uint8)
    make_idx(tmp_path / "emnist-letters-train-images-idx3-ubyte", images)
    make_idx(tmp_path / "emnist-letters-train-labels-idx1-ubyte", np.array([1, 2]))

    dataset = mnist_idx(str(tmp_path), prefix="emnist-letters-")

    np.testing.assert_array_equal(dataset.source.images[..., 0], images.transpose(0, 2, 1))
    assert set(dataset.splits) == {"train"}


def test_idx_missing_training_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no training IDX files"):
        mnist_idx(str(tmp_path))


def test_cifar_folder_and_tarball_agree(tmp_path: Path, make_cifar10: Callable[..., Path]) -> None:
    folder = make_cifar10(tmp_path / "cifar-10-batches-py", per_batch=3)
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as archive:
        archive.add(folder, arcname="cifar-10-batches-py")
    batch = pickle.loads((folder / "data_batch_2").read_bytes(), encoding="bytes")

    from_folder = cifar(str(tmp_path))
    from_tarball = cifar(str(tmp_path / "cifar-10-python.tar.gz"))

    assert from_folder.class_names[:3] == ["airplane", "automobile", "bird"]
    assert from_folder.input_shape == (32, 32, 3)
    assert {name: indices.size for name, indices in from_folder.splits.items()} == {"train": 15, "test": 3}
    np.testing.assert_array_equal(from_folder.source.images, from_tarball.source.images)
    np.testing.assert_array_equal(from_folder.labels, from_tarball.labels)
    # The second image of data_batch_2: its red plane is the first 1024 values, row by row.
    np.testing.assert_array_equal(from_folder.source.images[4, :, :, 0], batch[b"data"][1, :1024].reshape(32, 32))
    assert from_folder.labels[4] == batch[b"labels"][1]


def test_cifar_numpy1_module_names_accepted(tmp_path: Path, make_cifar10: Callable[..., Path]) -> None:
    folder = make_cifar10(tmp_path / "cifar-10-batches-py")
    test_batch = folder / "test_batch"
    test_batch.write_bytes(test_batch.read_bytes().replace(b"numpy._core.multiarray", b"numpy.core.multiarray"))
    assert b"numpy.core.multiarray" in test_batch.read_bytes()

    dataset = cifar(str(folder))

    assert dataset.splits["test"].size == 4


class _WritesMarker:
    """Pickles as a call to ``os.system`` that would create a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_cifar_code_running_pickle_rejected(tmp_path: Path, make_cifar10: Callable[..., Path]) -> None:
    folder = make_cifar10(tmp_path / "cifar-10-batches-py")
    marker = tmp_path / "code-ran"
    (folder / "data_batch_3").write_bytes(pickle.dumps({b"data": _WritesMarker(marker), b"labels": []}, protocol=2))
    # Unpickling with the standard loader would run the command; this proves the file is armed.
    pickle.loads((folder / "data_batch_3").read_bytes())
    assert marker.exists()
    marker.unlink()

    with pytest.raises(DataError, match=r"rejected data_batch_3: global (posix|nt)\.system is not allowed"):
        cifar(str(folder))

    assert not marker.exists()


def test_restricted_unpickler_rejects_builtins() -> None:
    payload = pickle.dumps({"x": eval}, protocol=4)

    with pytest.raises(DataError, match="global builtins.eval is not allowed"):
        load_batch(payload, "crafted")


def test_cifar100_coarse_labels(tmp_path: Path) -> None:
    folder = tmp_path / "cifar-100-python"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for name, count in (("train", 6), ("test", 2)):
        batch = {b"data": rng.integers(0, 256, (count, 3072)).astype(np.uint8),
                 b"fine_labels": [int(v) for v in rng.integers(0, 100, count)],
                 b"coarse_labels": [int(v) for v in rng.integers(0, 20, count)]}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {b"fine_label_names": [f"fine{i}".encode() for i in range(100)],
            b"coarse_label_names": [f"coarse{i}".encode() for i in range(20)]}
    (folder / "meta").write_bytes(pickle.dumps(meta, protocol=2))

    fine = cifar(str(tmp_path))
    coarse = cifar(str(tmp_path), label_mode="coarse")

    assert len(fine.class_names) == 100
    assert coarse.class_names[19] == "coarse19"
    assert coarse.details["variant"] == "cifar-100"


def test_npz_keras_layout(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (9, 6, 7)).astype(np.uint8)
    np.savez(tmp_path / "data.npz", x_train=x_train, y_train=np.arange(9) % 3,
             x_test=np.zeros((2, 6, 7), np.uint8), y_test=np.array([0, 2]))

    dataset = npz(str(tmp_path / "data.npz"), class_names=["a", "b", "c"])

    assert dataset.input_shape == (6, 7, 1)
    assert dataset.value_range == (0.0, 255.0)
    np.testing.assert_array_equal(dataset.source.images[:9, ..., 0], x_train)
    assert {name: indices.size for name, indices in dataset.splits.items()} == {"train": 9, "test": 2}


def test_npz_missing_array_lists_names(tmp_path: Path) -> None:
    np.savez(tmp_path / "data.npz", images=np.zeros((2, 4, 4), np.uint8), targets=np.array([0, 1]))

    with pytest.raises(DataError, match="has no array 'labels'; it has images, targets"):
        npz(str(tmp_path / "data.npz"), images="images", labels="labels")


def test_npz_rejects_other_files(tmp_path: Path) -> None:
    (tmp_path / "zoo.toml").write_text('[dataset]\nname = "npz"\n')
    np.save(tmp_path / "images.npy", np.zeros((2, 4, 4), np.uint8))

    with pytest.raises(DataError, match=r"zoo\.toml is not a NumPy \.npz file") as toml_error:
        npz(str(tmp_path / "zoo.toml"))
    with pytest.raises(DataError, match=r"images\.npy is a NumPy \.npy file with one array"):
        npz(str(tmp_path / "images.npy"))

    assert "allow_pickle" not in toml_error.value.message
    assert "numpy.savez" in toml_error.value.hint


def test_npz_object_array_not_unpickled(tmp_path: Path) -> None:
    np.savez(tmp_path / "data.npz", x_train=np.zeros((2, 4, 4), np.uint8),
             y_train=np.array([0, {"label": 1}], dtype=object))

    with pytest.raises(DataError, match="cannot be loaded without unpickling"):
        npz(str(tmp_path / "data.npz"))


def test_npz_float_images_need_value_range(tmp_path: Path) -> None:
    np.savez(tmp_path / "data.npz", x_train=np.zeros((2, 4, 4, 3), np.float32), y_train=np.array([0, 1]))

    with pytest.raises(DataError, match="need a value range"):
        npz(str(tmp_path / "data.npz"))
    dataset = npz(str(tmp_path / "data.npz"), value_range=(0.0, 1.0))

    assert dataset.value_range == (0.0, 1.0)
