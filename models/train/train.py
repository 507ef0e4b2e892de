"""Trains the default model: a small GLIDE (64 px base) on the procedural data set, on CPU.

    /usr/bin/python3 -m models.train.train --run .work/default-run --minutes 75

Seeded and resumable (training_run.py): a checkpoint (weights, EMA, optimiser, step, RNG states) is written
atomically every --save-every steps, and a rerun with the same --run continues from it.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from models.glide import ModelOptions
from models.glide.add_attention import add_attention
from models.glide.import_onnx import load_stage
from models.train import dataset
from models.train.caption_tokens import tokenize_captions
from models.train.diffusion_loss import DiffusionLoss
from models.train.training_run import KNOWN_REGION_WEIGHT, TrainingRun, add_run_arguments

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


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # --eps-weight-cap 300 = 1/alpha_bar at t = 960, the first step "ddim25" samples: up to there x0 errors weigh
    # as at mid noise (the default model used 20 until step 8,500, when its x0 at t = 960 was still twice the
    # context's error). The default model's run draws t by gradient size from step 12,400 (--t-sampler).
    add_run_arguments(p, minutes=75.0, batch=32, lr=3e-4,
                      eps_weight_cap_help="cap of the high-noise weight min(1/alpha_bar, cap) on the noise MSE; 1 = plain MSE",
                      t_sampler_help="how t is drawn: by the size of its gradients (same objective, less variance), or uniformly")
    p.add_argument("--object-weight", type=float, default=0.0,
                   help="extra loss weight on the object's pixels (1 + this x coverage); biased (training_run.py, text path)")
    p.add_argument("--p-no-object", type=float, default=dataset.P_NO_OBJECT,
                   help="fraction of samples with no object in the hole (caption \"\"): they teach continuing the "
                        "context, which decides how a hole's background blends in")
    p.add_argument("--init-from-bundle", type=Path,
                   help="a run folder without checkpoint starts from this bundle's base weights (e.g. models/default, "
                        "when its checkpoint is lost) and carries on its step count and objective phases; a bundle "
                        "with attention at fewer sizes than DEFAULT_MODEL grows the missing blocks (add_attention.py)")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    options = ModelOptions.from_dict(DEFAULT_MODEL)
    run = TrainingRun(args, options)
    origin_path = args.run / "origin.json"  # the bundle a run started from: export_default reads its phases
    if not run.ckpt_path.exists() and args.init_from_bundle:
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
        run.model.load_state_dict(source.state_dict())
        run.ema.load_state_dict(source.state_dict())
        trained = bundle.get("provenance", {}).get("training", {})
        run.step, run.elapsed_before = int(trained.get("steps", 0)), float(trained.get("minutes", 0.0)) * 60
        run.warmup_from = run.step  # a fresh optimiser: warm up again
        run.rng = np.random.default_rng([args.seed, run.step])  # not a replay of the first run's batches
        origin_path.write_text(json.dumps({"bundle": str(args.init_from_bundle), "training": trained,
                                           "attentionResolutions": trained_options["attention_resolutions"],
                                           "prediction": trained_options["prediction"]}, indent=1))
        print(f"starting from {args.init_from_bundle} (step {run.step}, EMA weights as model and EMA)", flush=True)
    else:
        run.resume("export it as a bundle and start a new --run with --init-from-bundle")

    tokens = tokenize_captions(dataset.all_captions(), options.text_ctx)
    loss_fn = DiffusionLoss(options.noise_schedule, options.diffusion_steps)
    model, rng, t_sampler = run.model, run.rng, run.t_sampler
    model.train()
    while run.running():
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
        run.update(loss)
        # Weighted like the loss: estimates of the mean over uniform t, whichever sampler drew them.
        run.record((terms["mse"] * t_weight).mean().item(), (terms["vb"] * t_weight).mean().item(),
                   eps_weight_cap=args.eps_weight_cap, object_weight=args.object_weight,
                   text_lr_mult=args.text_lr_mult, p_no_object=args.p_no_object,
                   attention=options.attention_resolutions, t_sampler=args.t_sampler, prediction=options.prediction)
    run.finish()


if __name__ == "__main__":
    main()
