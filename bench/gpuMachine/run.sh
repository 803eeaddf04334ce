#!/bin/bash
# Training speed and full-size quality on a machine with a real GPU, from the bundle that
# `node bench/gpuMachine/bundle.mjs` wrote (no npm needed there; run from the repository root):
#   bash bench/gpuMachine/run.sh <results dir> [iterations=2000] [time budget in s=420] [quality steps]
# (the quality steps: none given, each case trains the recon defaults' steps for its view count, as
# issue 14's table asks; the iterations are the two speed runs' of step 2)
# 1. bench:rasterizer (GPU time per pass, and the CPU reference as the baseline),
# 2. `recon` on two bundled scenes (steps per second at their native size),
# 3. bench:quality at full size on DTU scan37, lego and fern with the defaults row, then every
#    lever row while the budget lasts (it reads the imports cached in out/bench-scenes: bring that
#    folder along when ../shared/datasets is not there).
# Vulkan: the NVIDIA driver's ICD is found in the usual places unless VK_ICD_FILENAMES is set; a
# folder .gl/ of Debian packages (libvulkan1, libglvnd0, libglx0, ...) is unpacked first if present.
set -u
RESULTS=${1:?results dir}; ITERS=${2:-2000}; BUDGET=${3:-420}
QITERS=(); [ -n "${4:-}" ] && QITERS=(--iters "$4")
B=${GPU_BENCH_DIR:-out/gpu-bench}
T0=$(date +%s)
mkdir -p "$RESULTS"
if [ -d .gl ]; then for f in .gl/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  ICD=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
  export VK_ICD_FILENAMES=$ICD VK_DRIVER_FILES=$ICD
fi
echo "Vulkan ICD: $VK_ICD_FILENAMES"
NODE=$(command -v node || true)
if [ -z "$NODE" ]; then xz -dc "$B/node.xz" > /tmp/node && chmod +x /tmp/node && NODE=/tmp/node; fi
DAWN=$B/node_modules/webgpu/dist/linux-x64/dawn.node
[ -f "$DAWN" ] || xz -dc "$B/dawn.node.xz" > "$DAWN"
left() { echo $(( BUDGET - ($(date +%s) - T0) )); }

timeout "$(left)" "$NODE" "$B/rasterizer.mjs" 2>&1 | tee "$RESULTS/rasterizer.txt"
for s in pebbles stool; do
  timeout "$(left)" "$NODE" "$B/recon.mjs" --scene "scenes/$s" --views 3 --iters "$ITERS" --out "/tmp/recon-$s" 2>&1 | tr '\r' '\n' | grep -v '^\[' | tail -3 | tee -a "$RESULTS/recon.txt"
done
timeout "$(left)" "$NODE" "$B/quality.mjs" "${QITERS[@]}" --methods defaults --only dtu_scan37,lego,fern --models-dir /nonexistent --out "$RESULTS/quality-defaults.md" > /dev/null 2> "$RESULTS/quality-defaults.log"
cat "$RESULTS/quality-defaults.md" 2>/dev/null
timeout "$(left)" "$NODE" "$B/quality.mjs" "${QITERS[@]}" --only dtu_scan37,lego,fern --models-dir /nonexistent --out "$RESULTS/quality-levers.md" > /dev/null 2> "$RESULTS/quality-levers.log"
grep PSNR "$RESULTS/quality-levers.log"
echo "total $(( $(date +%s) - T0 )) s"
