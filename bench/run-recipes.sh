#!/usr/bin/env bash
# Issue 21's classification protocol at fixed epoch budgets: every run of a plan, Manabi and its PyTorch peer
# (bench/anchors/classify_recipe.py), over several seeds, then a table of means and spreads. Runs take 25-100
# minutes each on the 2-core machine, so a plan spans sessions: every run lives in its own run folder and resumes
# exactly where it stopped (a Manabi run from its state.json at the batch it stopped, a peer from its checkpoint.pt
# after its last whole epoch), finished runs are skipped, and rerunning the same command picks up where the last
# session left off. Results land in RUNS/NAME/result.json and the table in bench/results/: each run's
# final weights plain, with test-time flip (2 views per image) and with flip and translations (`vision eval --tta
# flip-translate`, 6 views; added to results written before it existed), and an EMA run's raw weights too.
# Two plans may run side by side at --threads 1 each (two seeds on the 2-core machine); start the second once the
# first has built its CLI, since both build from the same source tree.
#
# Usage: bench/run-recipes.sh PLAN [--runs DIR] [--threads N] [--seeds "0 1 2"] [--only GLOB] [--list]
#   PLAN  se     seresnet18-small 12 epochs against the SE ablation (resnet18-small), the comparison the issue asks
#                for: at the defaults, at batch 64 with a peak rate of 4e-3 (the SE side is the fit plan's run of the
#                same name), and with erasing 0.25 + EMA 0.999 (each evaluated with and without test-time flip, and
#                the EMA run's raw weights too), which lost to the defaults
#         fit    seresnet18-small 12 epochs, the fitting side of the 94.5 % goal: batch 64, peak rate 4e-3, no label
#                smoothing, a warm-up of 0.3 epochs, and batch 64 at 4e-3, each against the se plan's defaults; and
#                the Mixup (alpha 0.2) and CutMix (alpha 1.0) ablations on top of batch 64 at 4e-3
#         abn    abn-resnet18-small against its backbone resnet18-small, 12 epochs, at the defaults and at batch 64
#                with a peak rate of 4e-3 (the backbone's runs are the se plan's ablation runs: same names, so either
#                plan reuses the other's)
#         vit    vit-small28 and vit-small28-conv from scratch, 30 epochs, drop path 0.1
#         peer   the PyTorch peers of the se plan's seresnet18-small runs and of the fit plan's batch 64 at 4e-3
#                (Debian python3-torch 1.13)
#         quick  seresnet18-tiny on 2,000 images for 1 epoch with and without the recipe: checks the script
#   --runs DIR   where run folders go (default: runs/recipes)
#   --threads N  libtorch threads per run (default 2)
#   --seeds S    seeds of each recipe (default "0 1 2")
#   --only GLOB  only the runs whose name matches the shell pattern GLOB (for example 'vitconv-*'); the table
#                then covers those runs alone
#   --list       print the runs of the plan and whether each is done, then exit
# The whole script is one block, so bash parses it before running any of it: a plan runs for hours, and bash reads
# a plain script as it goes, so an edit to this file (a new plan line, a commit checked out) would otherwise break
# the plans running from it at their next line.
{
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/peer-blas.sh
. "$root/bench/peer-blas.sh"  # the peers' OpenBLAS on the kernels this CPU supports
plan="${1:?usage: bench/run-recipes.sh se|fit|abn|vit|peer|quick [--runs DIR] [--threads N] [--seeds \"0 1 2\"] [--list]}"
shift
runs="$root/runs/recipes"; threads=2; seeds="0 1 2"; list=0; only='*'
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --list) list=1; shift ;;
    *) echo "bench/run-recipes.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

# One line per run: NAME KIND MODEL EPOCHS SEED FLAGS... (KIND: manabi or peer; FLAGS are vision train's, which the
# peer script shares).
jobs=()
for seed in $seeds; do
  case "$plan" in
    se)
      jobs+=("se-default-s$seed manabi seresnet18-small 12 $seed")
      jobs+=("nose-default-s$seed manabi resnet18-small 12 $seed")
      jobs+=("se-erase-ema-s$seed manabi seresnet18-small 12 $seed --random-erasing 0.25 --ema 0.999")
      jobs+=("nose-erase-ema-s$seed manabi resnet18-small 12 $seed --random-erasing 0.25 --ema 0.999")
      jobs+=("fit-bs64-lr4e3-s$seed manabi seresnet18-small 12 $seed --batch-size 64 --lr 4e-3")
      jobs+=("nose-bs64-lr4e3-s$seed manabi resnet18-small 12 $seed --batch-size 64 --lr 4e-3") ;;
    fit)
      jobs+=("fit-bs64-s$seed manabi seresnet18-small 12 $seed --batch-size 64")
      jobs+=("fit-lr4e3-s$seed manabi seresnet18-small 12 $seed --lr 4e-3")
      jobs+=("fit-ls0-s$seed manabi seresnet18-small 12 $seed --label-smoothing 0")
      jobs+=("fit-warm03-s$seed manabi seresnet18-small 12 $seed --warmup-epochs 0.3")
      jobs+=("fit-bs64-lr4e3-s$seed manabi seresnet18-small 12 $seed --batch-size 64 --lr 4e-3")
      jobs+=("fit-bs64-lr4e3-mixup-s$seed manabi seresnet18-small 12 $seed --batch-size 64 --lr 4e-3 --mixup 0.2")
      jobs+=("fit-bs64-lr4e3-cutmix-s$seed manabi seresnet18-small 12 $seed --batch-size 64 --lr 4e-3 --cutmix 1.0") ;;
    abn)
      jobs+=("abn-default-s$seed manabi abn-resnet18-small 12 $seed")
      jobs+=("nose-default-s$seed manabi resnet18-small 12 $seed")
      jobs+=("abn-bs64-lr4e3-s$seed manabi abn-resnet18-small 12 $seed --batch-size 64 --lr 4e-3")
      jobs+=("nose-bs64-lr4e3-s$seed manabi resnet18-small 12 $seed --batch-size 64 --lr 4e-3") ;;
    vit)
      jobs+=("vit-dp-s$seed manabi vit-small28 30 $seed --drop-path 0.1 --random-erasing 0.25 --ema 0.999")
      jobs+=("vitconv-dp-s$seed manabi vit-small28-conv 30 $seed --drop-path 0.1 --random-erasing 0.25 --ema 0.999") ;;
    peer)
      jobs+=("peer-se-default-s$seed peer seresnet18-small 12 $seed")
      jobs+=("peer-se-erase-ema-s$seed peer seresnet18-small 12 $seed --random-erasing 0.25 --ema 0.999")
      jobs+=("peer-fit-bs64-lr4e3-s$seed peer seresnet18-small 12 $seed --batch-size 64 --lr 4e-3") ;;
    quick)
      jobs+=("quick-default-s$seed manabi seresnet18-tiny 1 $seed --subset 2000")
      jobs+=("quick-erase-ema-s$seed manabi seresnet18-tiny 1 $seed --subset 2000 --random-erasing 0.25 --ema 0.99")
      jobs+=("quick-peer-s$seed peer seresnet18-tiny 1 $seed --subset 2000 --random-erasing 0.25 --ema 0.99") ;;
    *) echo "bench/run-recipes.sh: unknown plan '$plan' (se, fit, abn, vit, peer, quick)" >&2; exit 2 ;;
  esac
done
selected=()
for job in "${jobs[@]}"; do
  read -r name _ <<<"$job"
  # shellcheck disable=SC2053  # $only is a pattern on purpose
  [[ $name == $only ]] && selected+=("$job")
done
if [ ${#selected[@]} -eq 0 ]; then
  echo "bench/run-recipes.sh: no run of the $plan plan matches --only '$only'" >&2; exit 2
fi
jobs=("${selected[@]}")

mkdir -p "$runs"
if [ "$list" = 1 ]; then
  for job in "${jobs[@]}"; do
    read -r name _ <<<"$job"
    if [ -f "$runs/$name/result.json" ]; then echo "done     $name"; else echo "pending  $name"; fi
  done
  exit 0
fi

# The CLI is built once into the runs folder, so that editing the sources during a plan of many hours does not
# rebuild it between runs; each result records the commit it was built from. A new commit's CLI is built beside the
# old one and swapped in by renaming, so a plan still training from the old one (another seed or plan running
# side by side) keeps its loaded files instead of having them overwritten under it.
cli="$runs/.cli"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ ! -f "$cli/manabi.dll" ] || [ "$(cat "$cli/.commit" 2>/dev/null)" != "$commit" ]; then
  "$root/build/ensure-prerequisites.sh"
  dotnet build "$root/src/Manabi.Cli/Manabi.Cli.csproj" -c Release -o "$cli.new.$$" -nologo -v quiet
  echo "$commit" >"$cli.new.$$/.commit"
  if [ -d "$cli" ]; then mv "$cli" "$cli.old.$$"; fi
  mv "$cli.new.$$" "$cli"
  rm -rf "$cli.old.$$"
fi
manabi() { dotnet "$cli/manabi.dll" "$@"; }
needs_peer=0
for job in "${jobs[@]}"; do read -r _ kind _ <<<"$job"; [ "$kind" = peer ] && needs_peer=1; done
if [ "$needs_peer" = 1 ]; then
  "$root/build/ensure-prerequisites.sh" --packages python3-torch libopenblas0-pthread
fi

accuracy() { manabi vision eval --checkpoint "$@" | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["accuracy"])'; }
# Adds the final weights' accuracy under test-time flip and translations (6 views per image) to a result.
add_translate() {
  python3 - "$1/result.json" "$(accuracy "$1" --tta flip-translate)" <<'EOF'
import json, sys
path, value = sys.argv[1:]
result = json.load(open(path))
result["final_translate"] = float(value)
json.dump(result, open(path, "w"), indent=2)
EOF
}

for job in "${jobs[@]}"; do
  read -r name kind model epochs seed flags <<<"$job"
  run="$runs/$name"
  if [ -f "$run/result.json" ]; then
    # Results written before --tta flip-translate existed get its figure added (the run folder holds the weights).
    if [ "$kind" = manabi ] && ! grep -q '"final_translate"' "$run/result.json"; then
      add_translate "$run"
    fi
    echo "== $name: done"; continue
  fi
  echo "== $name: $kind $model, $epochs epochs, seed $seed ${flags:-} ($(date -u +%H:%M) UTC)"
  if [ "$kind" = peer ]; then
    mkdir -p "$run"
    # shellcheck disable=SC2086  # the flags are meant to split
    /usr/bin/python3 "$root/bench/anchors/classify_recipe.py" --model "$model" --epochs "$epochs" --seed "$seed" \
      --threads "$threads" ${flags:-} --checkpoint "$run/checkpoint.pt" >"$run/peer.json" 2> >(tee "$run/train.log" >&2)
    python3 - "$run" "$name" "$commit" <<'EOF'
import json, sys
run, name, commit = sys.argv[1:]
peer = json.load(open(f"{run}/peer.json"))
result = {"name": name, "kind": "peer", "model": peer["model"], "epochs": peer["epochs"], "seed": peer["seed"],
          "final": peer["test_accuracy_ema"] if peer["test_accuracy_ema"] is not None else peer["test_accuracy_raw"],
          "final_flip": peer["test_accuracy_ema_flip"] if peer["test_accuracy_ema_flip"] is not None else peer["test_accuracy_raw_flip"],
          "final_translate": peer.get("test_accuracy_ema_flip_translate") if peer.get("test_accuracy_ema_flip_translate") is not None else peer.get("test_accuracy_raw_flip_translate"),
          "raw": peer["test_accuracy_raw"], "raw_flip": peer["test_accuracy_raw_flip"],
          "train_minutes": round(peer["train_seconds"] / 60, 1), "torch": peer["torch"], "commit": commit}
json.dump(result, open(f"{run}/result.json", "w"), indent=2)
EOF
    continue
  fi
  # shellcheck disable=SC2086
  manabi vision train --model "$model" --data fashion-mnist --epochs "$epochs" --seed "$seed" --threads "$threads" \
    ${flags:-} --output "$run" 2>&1 | tee -a "$run.log"
  if ! grep -q '"finished": true' "$run/state.json"; then
    echo "== $name: stopped before its last epoch; rerun the same command to resume it" >&2
    exit 1
  fi
  final="$(accuracy "$run")"; final_flip="$(accuracy "$run" --tta-flip)"
  raw="$final"; raw_flip="$final_flip"
  if [ -f "$run/ema.safetensors" ]; then
    # The raw weights: the same folder without its average (eval loads the average when present).
    rm -rf "$run.raw" && mkdir "$run.raw" && cp "$run/state.json" "$run/model.safetensors" "$run.raw/"
    raw="$(accuracy "$run.raw")"; raw_flip="$(accuracy "$run.raw" --tta-flip)"
    rm -rf "$run.raw"
  fi
  final_translate="$(accuracy "$run" --tta flip-translate)"
  python3 - "$run" "$name" "$commit" "$final" "$final_flip" "$raw" "$raw_flip" "$final_translate" <<'EOF'
import json, sys
run, name, commit, final, final_flip, raw, raw_flip, final_translate = sys.argv[1:]
state = json.load(open(f"{run}/state.json"))
result = {"name": name, "kind": "manabi", "model": state["model"], "epochs": state["options"]["epochs"],
          "seed": state["options"]["seed"], "final": float(final), "final_flip": float(final_flip), "raw": float(raw),
          "raw_flip": float(raw_flip), "final_translate": float(final_translate), "train_minutes": round(state["elapsed_seconds"] / 60, 1), "commit": commit}
json.dump(result, open(f"{run}/result.json", "w"), indent=2)
EOF
done

# The table: each recipe of the plan (the name without its seed) with the mean, min and max over its seeds.
mkdir -p "$root/bench/results"
table="$root/bench/results/recipes-$plan-$(date -u +%Y%m%d-%H%M).md"
names=(); for job in "${jobs[@]}"; do read -r name _ <<<"$job"; names+=("$name"); done
python3 - "$runs" "$table" "$plan" "${names[@]}" <<'EOF'
import collections, json, os, platform, re, statistics, sys
runs, table, plan, *names = sys.argv[1:]
groups = collections.defaultdict(list)
for name in names:
    r = json.load(open(f"{runs}/{name}/result.json"))
    groups[re.sub(r"-s\d+$", "", r["name"])].append(r)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
def cell(values):
    if any(v is None for v in values):
        return "—"
    values = [100 * v for v in values]
    return f"{statistics.mean(values):.2f} ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else f"{values[0]:.2f}"
lines = [f"# Recipe runs ({plan} plan, table written {os.path.basename(table)[len('recipes-' + plan) + 1:-3]} UTC)", "",
         f"CPU: {cpu}. Test accuracy in % on the 10,000 Fashion-MNIST test images: mean over seeds (min–max).", "",
         "| recipe | model | epochs | seeds | final | final + flip | final + flip-translate (6 views) | raw weights | raw + flip | train minutes (mean) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for name, rs in sorted(groups.items()):
    lines.append(f"| {name} | {rs[0]['model']} | {rs[0]['epochs']} | {len(rs)} | {cell([r['final'] for r in rs])} | "
                 f"{cell([r['final_flip'] for r in rs])} | {cell([r.get('final_translate') for r in rs])} | {cell([r['raw'] for r in rs])} | {cell([r['raw_flip'] for r in rs])} | "
                 f"{statistics.mean(r['train_minutes'] for r in rs):.1f} |")
open(table, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
print(f"saved {table}")
EOF
exit
}
