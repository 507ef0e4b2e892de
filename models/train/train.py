"""Trains the default model: a small GLIDE (64 px base) on the procedural data set, on CPU.

    /usr/bin/python3 -m models.train.train --run .work/default-run --minutes 75

Seeded and resumable: a checkpoint (weights, EMA, optimiser, step, RNG states) is written atomically
every --save-every steps, and a rerun with the same --run continues from it.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import time
from pathlib import Path

import numpy as np
import torch

from models.glide import ModelOptions, create_model
from models.glide.add_attention import add_attention
from models.glide.import_onnx import load_stage
from models.train import dataset
from models.train.caption_tokens import tokenize_captions
from models.train.diffusion_loss import DiffusionLoss
from models.train.timestep_sampler import SAMPLERS, TimestepSampler

# Attention at 16 and 8 px: 1.87 s a training step at batch 32 on this 2-core CPU, against 1.56 s with 8 px
# only (steps 0-10,925 of the default model) and 5.3 s with 32 px too. At 16 px a medium object spans
# 5-6 cells, enough for the prompt to lay out its corners and arms; at 8 px it is a blob of 2-3 cells.
# v-prediction from step 13,836 (the noise until then): at t = 960 an eps model's x0 is its noise error x16,
# and the hole's background came out a haze (seam score 3.35 against 0.97 for true scenes). The noise MSE
# weighted by min(1/alpha_bar, 300) is the v MSE up to t = 960, so the loss stays the same.
# Steps 19,800-21,000 cooled the learning rate down (--cooldown): held-out shape adherence 71.3% -> 80.8%;
# 21,000-23,200 at 3e-4 again and a second cool-down to 24,400 took it to 87.1%.
DEFAULT_MODEL = dict(
    image_size=64, num_channels=32, num_res_blocks=1, channel_mult="1,2,4,4", attention_resolutions="16,8",
    num_heads=1, num_head_channels=32, dropout=0.0, text_ctx=32, xf_width=64, xf_layers=2, xf_heads=4,
    xf_final_ln=True, xf_padding=True, noise_schedule="squaredcos_cap_v2", use_scale_shift_norm=True,
    resblock_updown=True, inpaint=True, super_res=False, prediction="v")

# Options a bundle may differ in from DEFAULT_MODEL and still seed a run: grown (attention) or re-headed
# (prediction) from its weights.
GROWABLE_OPTIONS = ("attention_resolutions", "prediction")

# The cool-down's last learning rate, as a fraction of --lr: the loss falls while the rate does (a
# warmup-stable-decay schedule), and a floor above 0 keeps the last steps doing something.
COOLDOWN_FLOOR = 0.05

# Loss weight of pixels the model is given (they are re-imposed when sampling, so matter less).
KNOWN_REGION_WEIGHT = 0.1

# The text path: its gradients were ~1/300 of the U-Net's and 2,130 steps left the prompt unused, so it
# gets a larger learning rate (--text-lr-mult). Steps 2,150-4,475 also weighed the object's pixels more
# (--object-weight 4); that taught colour fast but biases the loss's minimiser towards the object's colour
# wherever the object might be (the weight depends on the answer), and the model filled whole holes with
# a blob of it. From step 4,475 it is 0, and shapes appeared (shape adherence 23% -> 33% in 475 steps).
TEXT_PARAM_PREFIXES = ("token_embedding", "positional_embedding", "padding_embedding", "transformer.",
                       "final_ln", "transformer_proj")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", type=Path, required=True, help="folder for checkpoint and log")
    p.add_argument("--minutes", type=float, default=75.0, help="stop after this wall time (this invocation)")
    p.add_argument("--max-steps", type=int, default=100000)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--ema", type=float, default=0.995)
    p.add_argument("--cooldown", type=int, nargs=2, metavar=("FROM", "TO"),
                   help="lower the learning rate linearly from step FROM to COOLDOWN_FLOOR of it at step TO (and after)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save-every", type=int, default=25)
    # 300 = 1/alpha_bar at t = 960, the first step "ddim25" samples: up to there x0 errors weigh as at mid noise
    # (the default model used 20 until step 8,500, when its x0 at t = 960 was still twice the context's error).
    p.add_argument("--eps-weight-cap", type=float, default=300.0,
                   help="cap of the high-noise weight min(1/alpha_bar, cap) on the noise MSE; 1 = plain MSE")
    p.add_argument("--object-weight", type=float, default=0.0,
                   help="extra loss weight on the object's pixels (1 + this x coverage); biased, see above")
    p.add_argument("--p-no-object", type=float, default=dataset.P_NO_OBJECT,
                   help="fraction of samples with no object in the hole (caption \"\"): they teach continuing the "
                        "context, which decides how a hole's background blends in")
    p.add_argument("--text-lr-mult", type=float, default=5.0, help="learning-rate multiple of the text path")
    # The default model's run draws t by gradient size from step 12,400; the default keeps a plain rerun on it.
    p.add_argument("--t-sampler", choices=SAMPLERS, default="gradient-norm",
                   help="how t is drawn: by the size of its gradients (same objective, less variance), or uniformly")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    p.add_argument("--init-from-bundle", type=Path,
                   help="a run folder without checkpoint starts from this bundle's base weights (e.g. models/default, "
                        "when its checkpoint is lost) and carries on its step count and objective phases; a bundle "
                        "with attention at fewer sizes than DEFAULT_MODEL grows the missing blocks (add_attention.py)")
    return p.parse_args()


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def lr_factor(step: int, warmup_from: int, cooldown=None) -> float:
    """The learning rate's multiple at `step`: a 100-step warm-up from `warmup_from`, then 1, then, with
    cooldown = (FROM, TO), a linear fall to COOLDOWN_FLOOR at TO. A pure function of the step, so a
    resumed run continues the same schedule."""
    factor = min(1.0, (step - warmup_from + 1) / 100)
    if cooldown:
        start, end = cooldown
        done = min(1.0, max(0.0, (step - start) / max(1, end - start)))
        factor *= 1.0 - (1.0 - COOLDOWN_FLOOR) * done
    return factor


def make_optimizer(model: torch.nn.Module, lr: float, text_lr_mult: float) -> torch.optim.AdamW:
    """AdamW with two groups: the text path (at lr x text_lr_mult) and the rest, in model.parameters() order."""
    text, rest = [], []
    for name, param in model.named_parameters():
        (text if name.startswith(TEXT_PARAM_PREFIXES) else rest).append(param)
    return torch.optim.AdamW([{"params": rest, "base_lr": lr}, {"params": text, "base_lr": lr * text_lr_mult}],
                             lr=lr, weight_decay=0.0)


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    # Tiny gradients and Adam moments become denormal floats, which slowed steps 10x on this CPU.
    torch.set_flush_denormal(True)
    args.run.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.run / "checkpoint.pt"

    options = ModelOptions.from_dict(DEFAULT_MODEL)
    torch.manual_seed(args.seed)
    model = create_model(options)
    ema = copy.deepcopy(model).eval()
    opt = make_optimizer(model, args.lr, args.text_lr_mult)
    rng = np.random.default_rng(args.seed)
    t_sampler = TimestepSampler(args.t_sampler, options.diffusion_steps)
    step, elapsed_before, warmup_from = 0, 0.0, 0
    origin_path = args.run / "origin.json"  # the bundle a run started from: export_default reads its phases
    if not ckpt_path.exists() and args.init_from_bundle:
        bundle = json.loads((args.init_from_bundle / "bundle.json").read_text())
        trained_options = ModelOptions.from_dict(bundle["stages"]["base"]["modelOptions"]).to_dict()  # with defaults
        wanted = options.to_dict()
        if {**trained_options, **{k: wanted[k] for k in GROWABLE_OPTIONS}} != wanted:
            raise SystemExit(f"{args.init_from_bundle} was trained with other model options than DEFAULT_MODEL")
        if trained_options["prediction"] != options.prediction:
            print(f"the output now predicts {options.prediction}, not {trained_options['prediction']}: "
                  "same weights, the head relearns", flush=True)
        source = load_stage(args.init_from_bundle)
        if trained_options["attention_resolutions"] != options.attention_resolutions:
            try:
                source = add_attention(source, options.attention_resolutions)
            except ValueError as e:
                raise SystemExit(f"{args.init_from_bundle}: {e}")
            print(f"attention grown from {trained_options['attention_resolutions']} to "
                  f"{options.attention_resolutions} px", flush=True)
        model.load_state_dict(source.state_dict())
        ema.load_state_dict(source.state_dict())
        trained = bundle.get("provenance", {}).get("training", {})
        step, elapsed_before = int(trained.get("steps", 0)), float(trained.get("minutes", 0.0)) * 60
        warmup_from = step  # a fresh optimiser: warm up again
        rng = np.random.default_rng([args.seed, step])  # not a replay of the first run's batches
        origin_path.write_text(json.dumps({"bundle": str(args.init_from_bundle), "training": trained,
                                           "attentionResolutions": trained_options["attention_resolutions"],
                                           "prediction": trained_options["prediction"]}, indent=1))
        print(f"starting from {args.init_from_bundle} (step {step}, EMA weights as model and EMA)", flush=True)
    elif ckpt_path.exists():
        state = torch.load(ckpt_path)
        if state["options"] != options.to_dict():
            raise SystemExit(f"{ckpt_path} holds a model of other options than DEFAULT_MODEL; export it as a bundle "
                             "and start a new --run with --init-from-bundle")
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        base_lrs = [g["base_lr"] for g in opt.param_groups]  # this run's flags, as make_optimizer set them
        opt.load_state_dict(state["opt"])  # restores the old run's rates too; this run's flags win
        for g, base in zip(opt.param_groups, base_lrs):
            g["base_lr"] = base
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        if "t_sampler" in state:
            t_sampler.load_state_dict(state["t_sampler"])
        step, elapsed_before = state["step"], state["elapsed"]
        warmup_from = state.get("warmup_from", 0)
        print(f"resumed at step {step} ({elapsed_before / 60:.1f} min trained)", flush=True)

    tokens = tokenize_captions(dataset.all_captions(), options.text_ctx)
    loss_fn = DiffusionLoss(options.noise_schedule, options.diffusion_steps)
    log = open(args.run / "log.jsonl", "a")
    start = time.time()

    def checkpoint() -> dict:
        return {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "step": step,
                "elapsed": elapsed_before + time.time() - start, "options": options.to_dict(),
                "warmup_from": warmup_from, "t_sampler": t_sampler.state_dict(), "args": {k: str(v) for k, v in vars(args).items()}}

    recent = []
    model.train()
    while step < args.max_steps and time.time() - start < args.minutes * 60:
        batch = dataset.sample_batch(rng, args.batch, split="train", p_no_object=args.p_no_object)
        x0 = torch.from_numpy(batch["image"])
        keep = torch.from_numpy(batch["mask"])
        tok = torch.from_numpy(np.stack([tokens[c][0] for c in batch["caption"]]))
        tok_mask = torch.from_numpy(np.stack([tokens[c][1] for c in batch["caption"]]))
        t, t_weight = t_sampler.sample(args.batch)
        noise = torch.randn_like(x0)
        x_t = loss_fn.q_sample(x0, t, noise)
        out = model(x_t, t, tok, tok_mask, x0 * keep, keep)
        alpha = torch.from_numpy(batch["object_alpha"])
        weight = (1 - keep) * (1 + args.object_weight * alpha) + KNOWN_REGION_WEIGHT * keep
        terms = loss_fn.losses(out, x0, x_t, t, noise, weight, args.eps_weight_cap)
        loss = (terms["loss"] * t_weight).mean()
        t_sampler.record(t, terms["mse_weight"] * terms["mse"].detach().sqrt())
        for g in opt.param_groups:
            g["lr"] = g["base_lr"] * lr_factor(step, warmup_from, args.cooldown)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(args.ema).add_(pm.detach(), alpha=1 - args.ema)
        step += 1
        # Weighted like the loss: estimates of the mean over uniform t, whichever sampler drew them.
        recent.append(((terms["mse"] * t_weight).mean().item(), (terms["vb"] * t_weight).mean().item()))
        if step % 10 == 0:
            mse, vb = np.mean(recent, axis=0)
            recent.clear()
            entry = {"step": step, "mse": round(float(mse), 5), "vb": round(float(vb), 5),
                     "eps_weight_cap": args.eps_weight_cap, "object_weight": args.object_weight,
                     "text_lr_mult": args.text_lr_mult, "lr": args.lr, "p_no_object": args.p_no_object,
                     "attention": options.attention_resolutions,
                     "t_sampler": args.t_sampler, "prediction": options.prediction,
                     **({"cooldown": args.cooldown} if args.cooldown else {}),
                     "minutes": round((elapsed_before + time.time() - start) / 60, 2)}
            log.write(json.dumps(entry) + "\n")
            log.flush()
            print(entry, flush=True)
        if step % args.save_every == 0:
            save_checkpoint(ckpt_path, checkpoint())
    save_checkpoint(ckpt_path, checkpoint())
    print(f"stopped at step {step}", flush=True)


if __name__ == "__main__":
    main()
