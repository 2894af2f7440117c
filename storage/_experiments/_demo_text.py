"""Words for the demo lab: hypotheses, datasets, architectures, notes."""

from __future__ import annotations

ARCH_FAMILIES = {
    "resnet": ["resnet18", "resnet50"],
    "vit": ["vit-s", "vit-b"],
    "mlp": ["mlp"],
    "transformer": ["transformer"],
    "convnext": ["convnext-t"],
}

DATASETS = ["cifar10", "cifar100", "imagenet-100", "tiny-imagenet", "svhn", "wikitext-103",
            "ag-news"]
TEXT_DATASETS = {"wikitext-103", "ag-news"}

CLAIMS = [
    ("Cosine learning-rate decay beats step decay on {dataset}", ("resnet",)),
    ("Label smoothing of 0.1 improves calibration without hurting accuracy on {dataset}",
     ("resnet", "vit")),
    ("A vision transformer needs warmup to train stably on {dataset}", ("vit",)),
    ("Mixup regularisation reduces overfitting on {dataset}", ("resnet", "convnext")),
    ("A wider MLP matches a small CNN on {dataset}", ("mlp", "resnet")),
    ("AdamW with decoupled weight decay generalises better than Adam on {dataset}",
     ("transformer", "vit")),
    ("Larger batch sizes need a proportionally larger learning rate on {dataset}", ("resnet",)),
    ("Stochastic depth helps deep residual networks on {dataset}", ("resnet", "convnext")),
    ("Pre-norm transformers converge faster than post-norm on {dataset}", ("transformer",)),
    ("Random erasing augmentation improves robustness on {dataset}", ("resnet", "vit")),
    ("Gradient clipping prevents loss spikes in long runs on {dataset}", ("transformer", "vit")),
    ("Knowledge distillation from a ResNet-50 teacher helps a small student on {dataset}",
     ("resnet", "mlp")),
    ("Exponential moving average of weights gives a better final model on {dataset}",
     ("convnext", "vit")),
    ("Dropout hurts convolutional networks with batch normalisation on {dataset}",
     ("resnet", "mlp")),
    ("Longer training keeps improving a transformer language model on {dataset}",
     ("transformer",)),
    ("Sharpness-aware minimisation finds flatter minima on {dataset}", ("resnet", "vit")),
    ("Lower learning rates avoid divergence of vision transformers on {dataset}", ("vit",)),
    ("Mixed precision training matches full precision accuracy on {dataset}",
     ("resnet", "transformer")),
    ("Patch size 8 beats patch size 16 for small images on {dataset}", ("vit",)),
    ("Channel attention blocks add accuracy for little cost on {dataset}", ("resnet", "convnext")),
]

NOTES = [
    "Curves look healthy; validation loss starts rising late, mild overfitting.",
    "Plateau for a while before the learning-rate drop, then a clear jump.",
    "Noisy validation accuracy; rerun with another seed to be sure.",
    "Matches the paper's number within half a point.",
    "Slower than expected: data loading was the bottleneck.",
    "Good run; candidate for the final comparison table.",
    "Accuracy saturates early; the extra epochs bought nothing.",
    "Loss spikes around the middle of training but recovers.",
]

REPORT_TITLES = [
    "Weekly lab meeting: schedules and regularisation",
    "Review of transformer stability experiments",
    "Augmentation and robustness sweep",
    "Quarterly summary of architecture comparisons",
]
