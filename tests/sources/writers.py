"""Stores written by the real libraries, for the source tests (in tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch) -> Path:
    """Scalars cached by the TensorBoard source go to tmp_path, not the user's cache."""
    monkeypatch.setenv("LOUPE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def write_tensorboard_run(folder: Path, steps: int = 50, lr: float = 1e-3,
                          images: bool = True) -> None:
    """Scalars, images and histograms in the same event files, and HParams (torch's writer)."""
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=str(folder))
    rng = np.random.default_rng(0)
    for step in range(steps):
        writer.add_scalar("train/loss", 1.0 / (step + 1), step)
        writer.add_scalar("eval/accuracy", step / steps, step)
        if images and step % 10 == 0:
            writer.add_image("samples", rng.random((3, 16, 16)), step)
            writer.add_histogram("weights", rng.normal(size=500), step)
    # the HParams plugin's data, through torch's own API (it writes a timestamped subfolder)
    writer.add_hparams({"lr": lr, "optimizer": "adamw", "model": "resnet18"},
                       {"hparam/accuracy": 0.9})
    writer.close()


def write_trainer_folder(out: Path, steps: int = 40) -> None:
    """A Trainer output folder: a TrainerState saved by transformers (or its JSON, same bytes),
    a checkpoint, results files, a model config, and a training_args.bin that must not load."""
    out.mkdir(parents=True)
    history = []
    for step in range(1, steps + 1):
        history.append({"epoch": step / 10, "step": step, "loss": 2.0 / step,
                        "learning_rate": 5e-5 * (1 - step / steps), "grad_norm": 1.0})
        if step % 10 == 0:
            history.append({"epoch": step / 10, "step": step, "eval_loss": 1.5 / step,
                            "eval_accuracy": 0.5 + step / 100})
    fields = {"best_metric": 0.9, "best_model_checkpoint": str(out / f"checkpoint-{steps}"),
              "global_step": steps, "epoch": steps / 10, "max_steps": steps,
              "num_train_epochs": 4, "log_history": history}
    try:
        from transformers.trainer_callback import TrainerState

        state = TrainerState(**fields)
        state.save_to_json(str(out / "trainer_state.json"))
        (out / f"checkpoint-{steps}").mkdir()
        state.save_to_json(str(out / f"checkpoint-{steps}" / "trainer_state.json"))
    except ImportError:  # the format TrainerState.save_to_json writes: its fields as JSON
        for folder in (out, out / f"checkpoint-{steps}"):
            folder.mkdir(exist_ok=True)
            (folder / "trainer_state.json").write_text(json.dumps(fields, indent=2) + "\n")
    (out / "all_results.json").write_text(json.dumps({"eval_accuracy": 0.9, "epoch": 4.0}))
    (out / "config.json").write_text(json.dumps(
        {"architectures": ["BertForSequenceClassification"], "model_type": "bert",
         "hidden_size": 768}))
    (out / "training_args.bin").write_bytes(b"\x80\x04not a pickle to load\x94.")


def write_csv_logger(save_dir: Path, versions: int = 2, epochs: int = 5) -> None:
    """Lightning CSVLogger's files (format of lightning.pytorch.loggers.CSVLogger): sparse rows,
    one column per logged key, hparams.yaml beside metrics.csv, per version_N."""
    for v in range(versions):
        folder = save_dir / "lightning_logs" / f"version_{v}"
        folder.mkdir(parents=True)
        (folder / "hparams.yaml").write_text(f"lr: {1e-3 * (v + 1)}\nmodel: resnet{18 + v}\n"
                                             "batch_size: 32\n")
        rows = ["epoch,step,train_loss,val_acc,val_loss"]
        step = 0
        for epoch in range(epochs):
            for _ in range(3):
                step += 1
                rows.append(f"{epoch},{step},{1.0 / step:.6f},,")
            rows.append(f"{epoch},{step},,{0.5 + epoch / 20:.4f},{0.8 / (epoch + 1):.4f}")
        (folder / "metrics.csv").write_text("\n".join(rows) + "\n")


LM_EVAL = {
    "results": {"hellaswag": {"alias": "hellaswag", "acc,none": 0.5, "acc_stderr,none": 0.01,
                              "acc_norm,none": 0.6, "acc_norm_stderr,none": 0.01},
                "arc_easy": {"alias": "arc_easy", "acc,none": 0.7, "acc_stderr,none": 0.02}},
    "versions": {"hellaswag": 1.0, "arc_easy": 1.0},
    "n-shot": {"hellaswag": 0, "arc_easy": 0},
    "config": {"model": "hf", "model_args": "pretrained=EleutherAI/pythia-160m",
               "batch_size": 8, "device": "cpu", "limit": None},
    "model_name": "EleutherAI/pythia-160m",
}


def write_mlflow_store(uri: str, runs: int = 2, steps: int = 20) -> list[str]:
    """Runs logged through MLflow's client: params, tags, metric histories; the run ids."""
    pytest.importorskip("mlflow")
    import os

    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("cifar10")
    ids = []
    for i in range(runs):
        run = client.create_run(exp, run_name=f"run{i}", tags={"team": "vision"})
        rid = run.info.run_id
        client.log_param(rid, "lr", str(10 ** -(i + 2)))
        client.log_param(rid, "model", "resnet18")
        for step in range(steps):
            client.log_metric(rid, "loss", 1.0 / (step + 1 + i), step=step)
            client.log_metric(rid, "accuracy", step / steps, step=step)
        client.set_terminated(rid)
        ids.append(rid)
    return ids


def write_foreign_chroma(folder: Path) -> None:
    """A ChromaDB written by chromadb directly (as HybridExperimentStorage would): one
    collection with MiniLM vectors from storage's embedding, one with 8-d vectors."""
    import chromadb
    from chromadb.config import Settings

    from storage._experiments._embedding import embed_texts

    client = chromadb.PersistentClient(path=str(folder),
                                       settings=Settings(anonymized_telemetry=False))
    col = client.get_or_create_collection("experiments", embedding_function=None)
    docs = ["resnet18 on cifar10 diverged, loss became NaN", "vit-s on imagenet finished well",
            "lstm on ptb finished"]
    col.add(ids=["e1", "e2", "e3"], documents=docs, embeddings=embed_texts(docs),
            metadatas=[{"lr": 0.1, "architecture": "resnet18", "status": "diverged"},
                       {"lr": 1e-3, "architecture": "vit-s", "status": "done"},
                       {"lr": 1e-2, "architecture": "lstm", "status": "done",
                        "timeseries_path": "timeseries/e3.h5"}])
    other = client.get_or_create_collection("custom", embedding_function=None)
    other.add(ids=["x1"], documents=["something"], embeddings=[[0.5] * 8], metadatas=[{"k": 1}])
