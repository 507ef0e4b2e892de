#!/usr/bin/env bash
# The sampler step sweep of models/README.md (Samplers): evaluates the default model on held-out scenes
# at each setting of a queue, one after another, each into its own folder (.work/sweep/<first>-<sampler>-<respacing>-eta<eta>).
#   bash scripts/sweep-samplers.sh QUEUE        QUEUE: lines "first sampler respacing eta" (e.g. "0 dpmpp2m trailing10 0")
# Settings already done (results.json present) or being done by another worker (its folder exists) are
# skipped, so two workers (one per core: taskset -c 0 / -c 1) can share a queue; lines added to the queue
# while it runs are picked up. Empty-prompt scenes are not sampled (SWEEP_EMPTY=80 samples them).
# SWEEP_SCENES=240 samples scenes first..first+239 (one of each size x colour x shape; folders end in -n240);
# THREADS=1 runs onnxruntime on one thread (sample-heldout.ts), for a machine others share.
# Then: /usr/bin/python3 -m models.train.evaluate compare .work/sweep/0-ddim-ddim25-eta0.5 .work/sweep/0-…
set -uo pipefail
cd "$(dirname "$0")/.."
queue=$1
n=${SWEEP_SCENES:-480}
done_any=1
while [ "$done_any" = 1 ]; do
  done_any=0
  while read -r first sampler respacing eta; do
    [ -z "${first:-}" ] || [ "${first:0:1}" = "#" ] && continue
    out=.work/sweep/$first-$sampler-$respacing-eta$eta$([ "$n" = 480 ] || echo "-n$n")
    mkdir "$out" 2>/dev/null || continue  # done, or another worker has it
    done_any=1
    start=$(date +%s)
    EVAL_OUT=$out EVAL_FIRST=$first SAMPLER=$sampler RESPACING=$respacing ETA=$eta \
      bash scripts/eval-default-model.sh models/default "$n" "${SWEEP_EMPTY:-0}" > "$out/log.txt" 2>&1
    echo "$(date -Is) $out rc=$? $(( $(date +%s) - start )) s" >> .work/sweep/done.txt
    break  # reread the queue: it may have grown
  done < "$queue"
done
