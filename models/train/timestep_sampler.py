"""Which diffusion steps t a training batch sees, and the weights that keep the objective unchanged.

With the noise MSE weighted by min(1/alpha_bar(t), 300), a sample at t = 960 has ~25x the gradient of one
at t = 600: drawn uniformly, the few samples above t = 900 in a batch of 32 decide its gradient's direction
(the weights' effective sample size is 11% of the batch), and the middle steps, where an object's shape
forms, are drowned out in noise. The "gradient-norm" sampler draws t with probability proportional to the
mean size of its recent samples' gradients on the model's output (w(t) x the root of their noise MSE) and
weighs each sample by 1 / (T p(t)): the same expected loss and gradient, with the least variance an
importance sampler of t can give (Improved DDPM's loss-second-moment sampler is this idea for the
variational bound; on the hybrid loss it drew 40% of samples below t = 200, where the bound's t = 0 term
and the noise MSE of faint noise are large but shape is long decided). Values are kept per bin of
neighbouring steps (alike), so the history fills in ~60 steps instead of ~600.
"""
from __future__ import annotations

import torch

SAMPLERS = ("uniform", "gradient-norm")


class TimestepSampler:
    """Uniform until every bin has `history` values recorded, then by gradient size when so chosen."""

    def __init__(self, kind: str, steps: int = 1000, bins: int = 100, history: int = 10,
                 uniform_share: float = 0.001, below: int | None = None):
        if kind not in SAMPLERS:
            raise ValueError(f"unknown timestep sampler {kind!r}; one of {SAMPLERS}")
        if steps % bins:
            raise ValueError(f"{steps} steps do not split into {bins} bins")
        self.kind, self.steps, self.bins, self.uniform_share = kind, steps, bins, uniform_share
        # Only t < below is drawn (a stage that is never sampled from higher noise need not learn it).
        self.below = steps if below is None else below
        if not 0 < self.below <= steps:
            raise ValueError(f"t below {below} is outside 1..{steps}")
        self.sizes = torch.zeros(bins, history, dtype=torch.float64)
        self.counts = torch.zeros(bins, dtype=torch.long)

    def probabilities(self) -> torch.Tensor:
        """p(t) for every t, [steps] (0 from `below` on)."""
        uniform = torch.zeros(self.steps, dtype=torch.float64)
        uniform[: self.below] = 1.0 / self.below
        used_bins = -(-self.below * self.bins // self.steps)
        if self.kind == "uniform" or bool((self.counts[:used_bins] < self.sizes.shape[1]).any()):
            return uniform
        per_bin = self.sizes.mean(dim=1)
        p = per_bin.repeat_interleave(self.steps // self.bins)
        p[self.below:] = 0
        p = p / p.sum()
        return p * (1 - self.uniform_share) + uniform * self.uniform_share

    def sample(self, n: int) -> tuple:
        """(t int64 [n], weights float32 [n]) with E[weight x f(t)] the mean of any f over uniform t < below."""
        p = self.probabilities()
        t = torch.multinomial(p, n, replacement=True)
        return t, (1.0 / (self.below * p[t])).float()

    def record(self, t: torch.Tensor, sizes: torch.Tensor) -> None:
        """Per-sample gradient sizes (w(t) x sqrt(noise MSE)) of the batch just trained, a ring buffer per bin."""
        h = self.sizes.shape[1]
        for ti, si in zip(t.tolist(), sizes.detach().double().tolist()):
            b = ti * self.bins // self.steps
            self.sizes[b, self.counts[b] % h] = si
            self.counts[b] += 1

    def state_dict(self) -> dict:
        return {"sizes": self.sizes.clone(), "counts": self.counts.clone()}

    def load_state_dict(self, state: dict) -> None:
        self.sizes.copy_(state["sizes"])
        self.counts.copy_(state["counts"])
