"""GLIDE's training objective (Improved DDPM's hybrid loss): MSE on the predicted noise plus the
variational bound for the learned variance, whose gradient does not reach the predicted mean.

Per-pixel weights let the loss concentrate on the region the model must generate.

High-noise weighting: plain noise-prediction MSE weighs an error in the predicted image x0 by the
signal-to-noise ratio, which is ~0.01 at t > 900, exactly where the prompt decides the object's colour
and shape. A model trained that way for 1,879 steps ignored its prompt (x0 of "red" and of "" within
0.005 of each other). `eps_weight_cap` > 1 weighs the noise MSE by min(1/alpha_bar(t), cap), i.e. like
v-prediction's loss (1 + 1/SNR) up to the cap, so high-noise steps learn x0 too.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from models.glide.schedule import betas_for


class DiffusionLoss:
    def __init__(self, schedule: str = "squaredcos_cap_v2", steps: int = 1000):
        betas = betas_for(schedule, steps)
        alphas_cumprod = np.cumprod(1.0 - betas)
        prev = np.append(1.0, alphas_cumprod[:-1])
        post_var = betas * (1.0 - prev) / (1.0 - alphas_cumprod)
        t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
        self.steps = steps
        self.recip_ac = t(1.0 / alphas_cumprod)
        self.sqrt_ac = t(np.sqrt(alphas_cumprod))
        self.sqrt_1m_ac = t(np.sqrt(1.0 - alphas_cumprod))
        self.sqrt_recip_ac = t(np.sqrt(1.0 / alphas_cumprod))
        self.sqrt_recipm1_ac = t(np.sqrt(1.0 / alphas_cumprod - 1))
        self.coef1 = t(betas * np.sqrt(prev) / (1.0 - alphas_cumprod))
        self.coef2 = t((1.0 - prev) * np.sqrt(1.0 - betas) / (1.0 - alphas_cumprod))
        self.log_var_clipped = t(np.log(np.append(post_var[1], post_var[1:])))
        self.log_betas = t(np.log(betas))

    @staticmethod
    def _at(a: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return a[t][:, None, None, None]

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        return self._at(self.sqrt_ac, t) * x0 + self._at(self.sqrt_1m_ac, t) * noise

    def losses(self, out: torch.Tensor, x0: torch.Tensor, x_t: torch.Tensor, t: torch.Tensor,
               noise: torch.Tensor, weight: torch.Tensor, eps_weight_cap: float = 1.0) -> dict:
        """out [N,6,H,W] from the model; weight [N,1,H,W] per-pixel loss weights. Returns mse (plain, for
        the log), vb, loss (with the high-noise weighting of the MSE) and that weight."""
        eps, v = out[:, :3], out[:, 3:]
        norm = weight.sum(dim=(1, 2, 3)) * 3 + 1e-8
        mse = (((eps - noise) ** 2) * weight).sum(dim=(1, 2, 3)) / norm
        mse_weight = self.recip_ac[t].clamp(1.0, max(eps_weight_cap, 1.0))

        # Variational bound for the variance only: the mean comes from a detached eps.
        at = lambda a: self._at(a, t)  # noqa: E731
        frac = (v + 1) / 2
        model_log_var = frac * at(self.log_betas) + (1 - frac) * at(self.log_var_clipped)
        pred_x0 = (at(self.sqrt_recip_ac) * x_t - at(self.sqrt_recipm1_ac) * eps.detach()).clamp(-1, 1)
        model_mean = at(self.coef1) * pred_x0 + at(self.coef2) * x_t
        true_mean = at(self.coef1) * x0 + at(self.coef2) * x_t
        true_log_var = at(self.log_var_clipped)
        kl = 0.5 * (-1.0 + model_log_var - true_log_var + torch.exp(true_log_var - model_log_var)
                    + (true_mean - model_mean) ** 2 * torch.exp(-model_log_var)) / math.log(2.0)
        nll = -_discretized_gaussian_log_likelihood(x0, model_mean, 0.5 * model_log_var) / math.log(2.0)
        per_pixel = torch.where((t == 0)[:, None, None, None], nll, kl)
        vb = (per_pixel * weight).sum(dim=(1, 2, 3)) / norm * (self.steps / 1000.0)
        return {"mse": mse, "vb": vb, "loss": mse * mse_weight + vb, "mse_weight": mse_weight}


def _approx_std_normal_cdf(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def _discretized_gaussian_log_likelihood(x: torch.Tensor, mean: torch.Tensor, log_scale: torch.Tensor):
    """Log-likelihood of 8-bit pixel values x in [-1, 1] under a Gaussian discretised to bins of 2/255."""
    centered = x - mean
    inv_std = torch.exp(-log_scale)
    cdf_plus = _approx_std_normal_cdf(inv_std * (centered + 1.0 / 255.0))
    cdf_min = _approx_std_normal_cdf(inv_std * (centered - 1.0 / 255.0))
    log_cdf_plus = torch.log(cdf_plus.clamp(min=1e-12))
    log_one_minus_cdf_min = torch.log((1.0 - cdf_min).clamp(min=1e-12))
    cdf_delta = cdf_plus - cdf_min
    return torch.where(x < -0.999, log_cdf_plus,
                       torch.where(x > 0.999, log_one_minus_cdf_min, torch.log(cdf_delta.clamp(min=1e-12))))
