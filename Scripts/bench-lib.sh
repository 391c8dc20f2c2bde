# Shared by the bench scripts (sourced, after `veil` is set to the built binary).

# Makes a synthetic recording in OUT unless it is there already: synth_once OUT [veil synth options...].
synth_once() {
    local out=$1
    shift
    [ -f "$out/camera.json" ] || "$veil" synth "$out" "$@" 2>/dev/null
}

# Makes OUT from SOURCE as a real sensor would give it (`VeilBench rgbd-camera`, range RANGE m,
# with the environment settings VARS, NAME=VALUE words), unless it is there already:
# sensor_once SOURCE OUT RANGE "VARS"
sensor_once() {
    local source=$1 out=$2 range=$3 vars=${4:-}
    # shellcheck disable=SC2086 # VARS are words to split
    [ -f "$out/camera.json" ] || env $vars .build/release/VeilBench rgbd-camera "$source" "$out" "$range" >/dev/null
}
