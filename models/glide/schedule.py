"""GLIDE's noise schedules: beta_t for each of the diffusion's steps, and the cumulative alpha_bar_t."""
from __future__ import annotations

import math

import numpy as np


def cosine_betas(steps: int, max_beta: float = 0.999) -> np.ndarray:
    f = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2  # noqa: E731
    return np.array([min(1 - f((i + 1) / steps) / f(i / steps), max_beta) for i in range(steps)])


def linear_betas(steps: int) -> np.ndarray:
    scale = 1000 / steps
    return np.linspace(scale * 0.0001, scale * 0.02, steps, dtype=np.float64)


def betas_for(schedule: str, steps: int) -> np.ndarray:
    if schedule == "squaredcos_cap_v2":
        return cosine_betas(steps)
    if schedule == "linear":
        return linear_betas(steps)
    raise ValueError(f"unknown noise schedule {schedule!r}")


def alphas_cumprod(schedule: str, steps: int) -> np.ndarray:
    return np.cumprod(1.0 - betas_for(schedule, steps))
