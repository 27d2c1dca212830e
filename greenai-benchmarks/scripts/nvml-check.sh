#!/usr/bin/env bash
# Runs GreenAI's NVML energy meter for real on a machine with an NVIDIA GPU and driver.
#
# It reads every GPU for N seconds (default 5) twice over the same time: through the energy counter
# (nvmlDeviceGetTotalEnergyConsumption, Volta and newer) and by sampling nvmlDeviceGetPowerUsage,
# prints both, and exits 0 if they agree within 25%, 1 if not, 2 if NVML is unavailable (with the
# reason). Then it runs a short JMH energy benchmark whose meter includes the GPUs.
#
# Usage, from the repository root (builds benchmarks.jar first if it is missing):
#   greenai-benchmarks/scripts/nvml-check.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=greenai-benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]]; then
  mvn -B -q -DskipTests -pl greenai-benchmarks -am package
fi
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=index,name,power.draw,driver_version --format=csv
fi
java -cp "$jar" io.greenai.bench.NvmlCheck "${1:-5}"
java -jar "$jar" InferenceBenchmark -prof energy -wi 1 -i 2 -w 2 -r 3 -f 1 -p plan=original,removeLayers=6
