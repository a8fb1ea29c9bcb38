#!/usr/bin/env bash
# Drive `subsidy check -j zhuji` through its real prompts under tmux: a rural 两后生 with 15 training days in a
# certificate (employment-skills) class must see the 750.00 living allowance line (ZJ-06). Then Ctrl+C must exit 130.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux-check: tmux is not installed" >&2; exit 1; }
session="subsidy-check-$$"
log=$(mktemp)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -f "$log"' EXIT

send() { tmux send-keys -t "$session" "$@"; sleep 0.8; }
screen() { tmux capture-pane -p -t "$session" -S -200; }
wait_for() { # wait until the screen shows $1
  for _ in $(seq 1 50); do screen | grep -qF -- "$1" && return 0; sleep 0.2; done
  echo "tmux-check: never saw \"$1\"; screen was:" >&2; screen >&2; return 1
}

tmux new-session -d -s "$session" -x 160 -y 60 "env -u CI NO_COLOR=1 node bin/subsidy.js check -j zhuji; echo EXIT=\$?; sleep 30"
wait_for 'programme / 补贴项目'
send Down; send Enter                           # 职业资格(技能等级、专项能力)培训补贴 (cert_training)
wait_for 'date / 日期';            send 2020-06-01 Enter
wait_for 'resident ID number';     send 330681199001010015 Enter
wait_for 'level / 等级';           send Down; send Enter        # 四级/中级工 (L4)
wait_for 'groups / 人员类别';      send Down Down; send Space; send Down; send Space; send Enter   # 两后生 + 农村学员
wait_for 'claimed cost';           send Enter                   # not known
wait_for 'employer flags';         send Enter                   # none
wait_for 'training days';          send 15 Enter
wait_for 'occupation / 职业';      send 电工 Enter
wait_for 'EXIT='
screen > "$log"
grep -q 'EXIT=0' "$log" || { echo "tmux-check: check did not exit 0" >&2; cat "$log" >&2; exit 1; }
grep -q 'Living allowance during training.*750.00 yuan' "$log" || { echo "tmux-check: no 750.00 living allowance line" >&2; cat "$log" >&2; exit 1; }
grep -q '50 yuan/day × 15 day = 750.00 yuan' "$log"
tmux kill-session -t "$session"

# Start command $1 in a terminal, wait for $2 on the screen, press Ctrl+C: a quiet exit with 130, no stack trace.
ctrl_c() {
  tmux new-session -d -s "$session" -x 160 -y 30 "$1; echo EXIT=\$?; sleep 30"
  wait_for "$2"
  send C-c
  wait_for 'EXIT='
  screen > "$log"
  grep -q 'EXIT=130' "$log" || { echo "tmux-check: Ctrl+C did not exit 130: $1" >&2; cat "$log" >&2; exit 1; }
  if grep -q '    at ' "$log"; then echo "tmux-check: stack trace after Ctrl+C: $1" >&2; cat "$log" >&2; exit 1; fi
  tmux kill-session -t "$session"
}

# Ctrl+C at a prompt.
ctrl_c "env -u CI node bin/subsidy.js check -j zhuji" 'programme / 补贴项目'

# A large run stopped mid-way, by Ctrl+C and by its terminal closing (SIGHUP): nothing left behind, neither its
# temporary folder (its own TMPDIR here) nor the output folder it made.
work=$(mktemp -d)
trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -f "$log"; rm -rf "$work"' EXIT
node -e "import('./dist/bench/synthetic.js').then(({ syntheticRoster }) => { const fs = require('node:fs'); const fd = fs.openSync(process.argv[1], 'w'); for (const c of syntheticRoster(400000, 5)) fs.writeSync(fd, c); fs.closeSync(fd); })" "$work/roster.csv"
mkdir "$work/tmp"
left() { # what a stopped run left: its temporary files, and the output folder
  ls -A "$work/tmp"; ls -d "$work/out" 2>/dev/null || true
}
ctrl_c "env -u CI TMPDIR=$work/tmp node bin/subsidy.js calc $work/roster.csv -o $work/out/x" 'evaluating'
[ -z "$(left)" ] || { echo "tmux-check: Ctrl+C during calc left: $(left)" >&2; exit 1; }
tmux new-session -d -s "$session" -x 160 -y 30 "env -u CI TMPDIR=$work/tmp node bin/subsidy.js calc $work/roster.csv -o $work/out/x; sleep 30"
wait_for 'evaluating'
tmux kill-session -t "$session"
for _ in $(seq 1 50); do pgrep -f "calc $work/roster.csv" >/dev/null || break; sleep 0.2; done
[ -z "$(left)" ] || { echo "tmux-check: calc in a terminal that closed left: $(left)" >&2; exit 1; }
echo "tmux-check: ok (ZJ-06 750.00 line shown; Ctrl+C exits 130; a large calc stopped by Ctrl+C or a closed terminal leaves nothing)"
