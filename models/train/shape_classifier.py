"""A small CNN of ours that names the shape of the object in a scene's generated region.

Trained on the procedural data set's own scenes (image + generate-mask -> shape), it judges the
default model's generated objects. Seeded; cached at .work/shape-classifier.pt (about 3 minutes on 2 cores).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from models.train import dataset

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".work" / "shape-classifier.pt"


class ShapeClassifier(nn.Module):
    def __init__(self, n_shapes: int = len(dataset.SHAPES)):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                                 nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                                 nn.MaxPool2d(2))

        self.features = nn.Sequential(block(4, 32), block(32, 64), block(64, 96), block(96, 128))
        self.head = nn.Linear(128, n_shapes)

    def forward(self, image: torch.Tensor, keep_mask: torch.Tensor) -> torch.Tensor:
        h = self.features(torch.cat([image, 1 - keep_mask], dim=1))
        return self.head(h.amax(dim=(2, 3)))


def train(steps: int = 600, batch: int = 64, seed: int = 1) -> ShapeClassifier:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = ShapeClassifier()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    model.train()
    for step in range(steps):
        b = dataset.sample_batch(rng, batch, "train", p_no_object=0.0)
        logits = model(torch.from_numpy(b["image"]), torch.from_numpy(b["mask"]))
        loss = nn.functional.cross_entropy(logits, torch.from_numpy(b["shape_id"]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if (step + 1) % 250 == 0:
            print(f"shape classifier step {step + 1}/{steps} loss {loss.item():.3f}", flush=True)
    return model.eval()


def load_or_train() -> ShapeClassifier:
    model = ShapeClassifier()
    if CACHE.exists():
        model.load_state_dict(torch.load(CACHE))
        return model.eval()
    model = train()
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), CACHE)
    return model


@torch.no_grad()
def predict(model: ShapeClassifier, images: np.ndarray, keep_masks: np.ndarray) -> np.ndarray:
    out = [model(torch.from_numpy(images[i:i + 64]), torch.from_numpy(keep_masks[i:i + 64])).argmax(1)
           for i in range(0, len(images), 64)]
    return torch.cat(out).numpy()
