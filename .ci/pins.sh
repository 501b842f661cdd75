# Reading and writing the block of exact pins in pyproject.toml; sourced by
# .ci/pin-versions and .ci/drift.

BEGIN_PINS="# BEGIN pinned versions"
END_PINS="# END pinned versions"

# pyproject.toml ($1) with the pins taken out (the markers stay).
without_pins() {
  awk -v begin="$BEGIN_PINS" -v end="$END_PINS" '
    index($0, end) { inside = 0 }
    !inside { print }
    index($0, begin) { inside = 1 }
  ' "$1"
}

# pyproject.toml ($1) with the requirement lines in $2 as its pins, one quoted string each.
with_pins() {
  awk -v begin="$BEGIN_PINS" -v end="$END_PINS" -v pins="$2" '
    index($0, end) { inside = 0 }
    !inside { print }
    index($0, begin) {
      inside = 1
      while ((getline line < pins) > 0) {
        if (line != "") printf "    \"%s\",\n", line
      }
    }
  ' "$1"
}
