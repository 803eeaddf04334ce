#!/bin/bash
# Fetch a recent Mesa lavapipe (software Vulkan, from the distribution's backports suite) into a
# local folder, without changing the system's apt configuration. Dawn (npm `webgpu`) accepts it,
# unlike the distribution's default Mesa, and it runs WebGPU compute 3-15x faster than SwiftShader.
# Usage: eval "$(bash scripts/get-lavapipe.sh [DEST])"   -> exports VK_ICD_FILENAMES and LD_LIBRARY_PATH
set -euo pipefail
DEST=$(realpath -m "${1:-$PWD/.lavapipe}")   # absolute: apt reads relative Dir:: paths from /etc/apt
if [ -f "$DEST/lvp_icd.json" ]; then
  LIB=$DEST/root/usr/lib/x86_64-linux-gnu
  echo "export VK_ICD_FILENAMES=$DEST/lvp_icd.json LD_LIBRARY_PATH=$LIB\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"; exit 0
fi
A=$DEST/apt; mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$A/parts" "$DEST/root"
# Reuse the mirror the machine is already configured with.
URI=$(grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1)
SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME}")-backports
cat > "$A/parts/bp.sources" <<EOS
Types: deb
URIs: $URI
Suites: $SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
O="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$A/parts -o Dir::State::Lists=$A/lists -o Dir::Cache=$A/cache"
apt-get $O update -qq >&2
(cd "$A" && apt-get $O download mesa-vulkan-drivers libdrm2 libdrm-amdgpu1 >&2)
for d in "$A"/*.deb; do dpkg-deb -x "$d" "$DEST/root"; done
LIB=$DEST/root/usr/lib/x86_64-linux-gnu
printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s/libvulkan_lvp.so","api_version":"1.4.305"}}\n' "$LIB" > "$DEST/lvp_icd.json"
echo "export VK_ICD_FILENAMES=$DEST/lvp_icd.json LD_LIBRARY_PATH=$LIB\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
