"""The numpy all-MiniLM-L6-v2 matches sentence-transformers and never imports torch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from conftest import REPO

from storage import embed_texts
from storage._experiments._embedding import DIM, model_path

TEXTS = [
    "ResNet-50 with a cosine learning-rate schedule reaches 93% top-1 accuracy",
    "short",
    "",
    "The vision transformer diverged: loss became NaN after 40 epochs at lr 1e-2. " * 30,
    "Ünïcödé and emoji 🚀 text, mixed with numbers 3e-4 and symbols #$%",
]


def test_vectors_are_normalised_and_deterministic() -> None:
    vectors = embed_texts(TEXTS)
    assert vectors.shape == (len(TEXTS), DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(embed_texts(TEXTS[:1])[0], vectors[0], atol=1e-5)
    assert embed_texts([]).shape == (0, DIM)


def test_similar_texts_are_closer() -> None:
    a, b, c = embed_texts(["a convolutional network for image classification",
                           "a CNN that classifies pictures", "the weather in Paris tomorrow"])
    assert a @ b > a @ c + 0.2


def test_matches_sentence_transformers() -> None:
    st = pytest.importorskip("sentence_transformers")
    model = st.SentenceTransformer(str(model_path()), device="cpu")
    reference = model.encode(TEXTS, normalize_embeddings=True)
    ours = embed_texts(TEXTS)
    cosine = (reference * ours).sum(axis=1)
    assert cosine.min() > 0.9999, cosine


def test_search_path_does_not_import_torch(tmp_path) -> None:
    code = ("import sys\nfrom storage import ChromaConfig, ExperimentIndex, embed_texts\n"
            f"ix = ExperimentIndex(ChromaConfig({str(tmp_path / 'ix')!r}))\n"
            "ix.upsert(['a'], ['a resnet run'], [{'accuracy': 0.9}])\n"
            "print(ix.query('resnet')[0].id, 'torch' in sys.modules, "
            "'sentence_transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.split() == ["a", "False", "False"]


def test_embedding_function_for_chroma() -> None:
    from storage._experiments._embedding import embedding_function

    ef = embedding_function()
    assert ef.name() == "loupe_minilm_l6_v2"
    vectors = ef(["hello world"])
    assert len(vectors) == 1 and len(vectors[0]) == DIM
    assert ef.build_from_config(ef.get_config()).name() == ef.name()


def test_batches_group_similar_lengths_within_the_token_budget() -> None:
    from storage._experiments._embedding_batches import BATCH_TOKENS, MIN_SPLIT, batches_by_length

    lengths = [int(n) for n in np.random.default_rng(0).integers(3, 257, 500)]
    batches = batches_by_length(lengths, threads=1)
    assert sorted(i for b in batches for i in b) == list(range(500))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= max(BATCH_TOKENS, 256)
    longest = [max(lengths[i] for i in b) for b in batches]
    assert longest == sorted(longest)  # sorted by length: little padding
    few = batches_by_length([40] * (2 * MIN_SPLIT), threads=2)
    assert [len(b) for b in few] == [MIN_SPLIT, MIN_SPLIT]  # one batch split so both threads work
    assert len(batches_by_length([40] * 3, threads=2)) == 1  # too small to split


def test_threads_and_batching_do_not_change_the_vectors() -> None:
    from storage._experiments._embedding import get_model

    texts = [f"run {i}: " + "resnet with a plateau " * (i % 9) for i in range(40)] + TEXTS
    model = get_model()
    one = model.encode(texts, threads=1)
    two = model.encode(texts, threads=2)
    alone = np.stack([model.encode([t], threads=1)[0] for t in texts[::7]])
    np.testing.assert_allclose(two, one, atol=1e-6)
    np.testing.assert_allclose(alone, one[::7], atol=1e-6)


def test_blas_limit_is_restored_after_overlapping_encodes() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from storage._experiments._embedding_batches import one_blas_thread

    def blas_threads() -> list[int]:  # numpy's own BLAS (torch, if loaded, brings another)
        return [p["num_threads"] for p in threadpoolctl.threadpool_info()
                if p["user_api"] == "blas" and "numpy" in p["filepath"]]

    before = blas_threads()
    with one_blas_thread():
        with one_blas_thread():
            assert set(blas_threads()) <= {1}
        assert set(blas_threads()) <= {1}  # the inner exit did not restore the default
    assert blas_threads() == before
