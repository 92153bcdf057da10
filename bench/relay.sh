#!/usr/bin/env bash
# bench/relay.sh — end-to-end relay throughput on this machine, Sluice against Postfix, same run.
#
#   smtp-source -s SESSIONS -m N -l SIZE ──▶ relay on 127.0.0.1:2525 ──▶ smtp-sink on 127.0.0.1:2526
#
# usage: bench/relay.sh [N] [SESSIONS] [SIZE]        (defaults: 20000 20 2000)
#        RELAYS="sluice postfix direct" selects what runs (default: sluice postfix, then direct);
#        a name may repeat (RELAYS="sluice sluice-dkim-rsa sluice sluice-dkim-rsa" alternates them)
#
# sluice-dkim-rsa and sluice-dkim-ed25519 are sluice with DKIM signing on: a key made by
# `sluice dkim keygen` (RSA-2048, Ed25519) into the work directory, a top-level
# `domain-key SELECTOR,bench.test,KEY` (smtp-source's From is bench@bench.test) and `dkim-sign yes`
# in `<domain *>`; relaxed/relaxed, the default headers. SINK_DUMP=1 makes smtp-sink write every
# message to a file (slower: use a small N), and each line then says how many arrived with a
# DKIM-Signature field and what dkimpy (python3-dkim, if installed) says of the first one
# (`dkimpy=pass`), with the public key taken from keygen's record.
#
# sluice-reports is sluice with a <bounce-processor>: every relayed message is also written to the
# sent-message index that ties inbound reports to their job and vmta.
# sluice-suppress-off is sluice with `<suppression> enabled no`; sluice-suppress-big is sluice
# with a suppression list of SUPPRESS_N entries (default 1,000,000; none of them the relayed
# recipient), imported once per script run with `sluice suppress import` (its time is logged)
# and copied into each run's spool. Plain `sluice` has the list on with no entries (the default).
#
# For each relay it prints one line:
#   relay=sluice n=20000 sessions=20 size=2000 inject_s=… total_s=… msgs_per_s=… sink_msgs=… status=ok load_before="…"
# and at the end the ratio sluice/postfix, for a relay that ran more than once its mean, and each
# sluice-dkim-* mean against sluice's (what signing costs). `total_s` runs from the start of
# injection until the sink has received the N-th message; msgs_per_s = N / total_s. For sluice,
# relay_cpu_s is the process's user + system CPU time from start to stop (start-up included) and
# cpu_us_per_msg that over N. load_before is /proc/loadavg as the run starts (it includes the
# previous run's own load). Both relays fsync what they accept (Postfix's cleanup fsyncs each queue
# file; Sluice's spool group-commits with fdatasync).
#
# Requires: postfix (smtp-source, smtp-sink, postfix itself), perl, bash >= 5, root (postfix runs its
# daemons as the postfix user; smtp-sink as root needs -u nobody), and a release build of sluice
# (`swift build -c release`). Everything runs on loopback and is stopped on exit.
set -u

N=${1:-20000} S=${2:-20} SIZE=${3:-2000}
RELAYS=${RELAYS:-"sluice postfix direct"}
SINK_DUMP=${SINK_DUMP:-0}
SUPPRESS_N=${SUPPRESS_N:-1000000}
HOST=127.0.0.1 IN_PORT=2525 SINK_PORT=2526
TIMEOUT=${RELAY_TIMEOUT:-600} STALL=${RELAY_STALL:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SLUICE=${SLUICE_BIN:-$ROOT/.build/release/sluice}
WORK=$(mktemp -d /tmp/sluice-relay.XXXXXX); chmod 755 "$WORK"   # postfix daemons must reach their directories

log() { echo "[relay] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
listening() {   # is a TCP socket listening on port $1? (reads /proc, no probe connection)
  local hex; printf -v hex '%04X' "$1"
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6
}
wait_listen() { local end=$(( $(now_us) + $2 * 1000000 )); until listening "$1"; do
  [ "$(now_us)" -lt "$end" ] || return 1; sleep 0.05; done; }
stop() { local pid=$1 i; alive "$pid" || return 0; kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }

for t in smtp-source smtp-sink perl; do command -v $t >/dev/null || die "$t not found (apt-get install postfix)"; done
[ -n "${EPOCHREALTIME:-}" ] || die "bash >= 5 needed"

SINK_PID="" COUNTER_PID="" RELAY_PID="" PF_DIR=""
cleanup() {
  stop "$RELAY_PID"
  [ -n "$PF_DIR" ] && postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1
  stop "$SINK_PID"; stop "$COUNTER_PID"
  [ "${RELAY_KEEP:-0}" = 1 ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh smtp-sink for each relay; `-c` prints "mesg=N" on every message; a perl reader notes when
# the count reaches N (sink.done) and keeps sink.progress current.
start_sink() {
  local dir=$1
  mkfifo "$dir/sink.fifo"
  perl -MTime::HiRes=time -e '
    my ($n, $done, $prog) = @ARGV; $/ = "\r"; my ($cnt, $hit, $lw) = (0, 0, 0);
    sub wr { my ($f, $s) = @_; open(my $h, ">", "$f.tmp") or return; print $h $s; close $h; rename "$f.tmp", $f }
    while (my $r = <STDIN>) { next unless $r =~ /mesg=(\d+)/; $cnt = $1; my $t = time;
      if (!$hit && $cnt >= $n) { $hit = 1; wr($done, sprintf("%.6f %d\n", $t, $cnt)) }
      if ($t - $lw >= 0.5) { $lw = $t; wr($prog, sprintf("%.6f %d\n", $t, $cnt)) } }
    wr($prog, sprintf("%.6f %d\n", time, $cnt));' "$N" "$dir/sink.done" "$dir/sink.progress" < "$dir/sink.fifo" &
  COUNTER_PID=$!
  local opts=(-c -m $(( S * 2 + 256 )))
  [ "$(id -u)" = 0 ] && opts+=(-u nobody)
  if [ "$SINK_DUMP" = 1 ]; then mkdir -p "$dir/dump"; chmod 777 "$dir/dump"; opts+=(-d "$dir/dump/%M."); fi
  smtp-sink "${opts[@]}" $HOST:$SINK_PORT 1024 > "$dir/sink.fifo" 2> "$dir/sink.err" &
  SINK_PID=$!
  wait_listen $SINK_PORT 10 || die "smtp-sink did not start: $(cat "$dir/sink.err")"
}

# A DKIM key of kind $1 (rsa, ed25519) for bench.test, made once per script run; prints its path.
# Its published record (the TXT text) goes beside it as KEY.txt, for dkimpy.
dkim_key() {
  local kind=$1 key=$WORK/dkim/$1.pem
  if [ ! -e "$key" ]; then
    mkdir -p "$WORK/dkim"
    "$SLUICE" dkim keygen --domain bench.test --selector "$kind" --algorithm "$kind" --out "$key" \
      > "$WORK/dkim/$kind.zone" 2> "$WORK/dkim/$kind.err" || die "sluice dkim keygen: $(cat "$WORK/dkim/$kind.err")"
    perl -ne 'next if /^;/; $t .= join("", /"([^"]*)"/g); END { print $t }' "$WORK/dkim/$kind.zone" > "$key.txt"
  fi
  echo "$key"
}

# A suppression list of SUPPRESS_N addresses (user<i>@d<i % 5000>.example), imported once per
# script run with `sluice suppress import`; prints its path.
suppression_list() {
  local db=$WORK/suppress/list.sqlite
  if [ ! -e "$db" ]; then
    mkdir -p "$WORK/suppress"
    perl -e 'print "address,scope,reason,source,time\n";
      printf "user%d\@d%d.example,global,bad-mailbox,bench,2025-12-05T10:31:12Z\n", $_, $_ % 5000 for 0 .. $ARGV[0] - 1' \
      "$SUPPRESS_N" > "$WORK/suppress/list.csv"
    "$SLUICE" suppress import "$WORK/suppress/list.csv" --database "$db" > "$WORK/suppress/import.out" 2>&1 \
      || die "sluice suppress import: $(cat "$WORK/suppress/import.out")"
    log "$(cat "$WORK/suppress/import.out")"
  fi
  echo "$db"
}

start_sluice() {
  local dir=$1 dkim=${2:-} suppression=${3:-} reports=${4:-}
  [ -x "$SLUICE" ] || die "no release build at $SLUICE (run: swift build -c release)"
  mkdir -p "$dir/spool"
  local suppression_block=""
  case $suppression in
    off) suppression_block=$'<suppression>\n    enabled no\n</suppression>' ;;
    big) cp "$(suppression_list)" "$dir/spool/suppression.sqlite" ;;
  esac
  local processor_block=""
  if [ -n "$reports" ]; then   # the node then remembers every message it takes (sent-messages.sqlite)
    processor_block=$'<bounce-processor>\n    <address-list>\n        domain bounces.bench.test\n    </address-list>\n</bounce-processor>'
  fi
  local key_line="" sign_line=""
  if [ -n "$dkim" ]; then
    key_line="domain-key $dkim,bench.test,$(dkim_key "$dkim")"
    sign_line="    dkim-sign yes"
  fi
  cat > "$dir/sluice.conf" <<EOF
host-name relay.bench.test
$key_line
spool $dir/spool
control-socket $dir/control.sock
smtp-listener $HOST:$IN_PORT
<source 127.0.0.0/8>
    always-allow-relaying yes
    smtp-service yes
</source>
<virtual-mta bench>
    smtp-source-host 127.0.0.1 relay.bench.test
</virtual-mta>
<source 0/0>
    default-virtual-mta bench
</source>
<domain *>
    route [$HOST]:$SINK_PORT
    max-smtp-out 20
    max-msg-per-connection 0
$sign_line
</domain>
$suppression_block
$processor_block
EOF
  "$SLUICE" serve --config "$dir/sluice.conf" > "$dir/sluice.log" 2>&1 &
  RELAY_PID=$!
  wait_listen $IN_PORT 30 || die "sluice not listening: $(tail -5 "$dir/sluice.log")"
  if [ "$suppression" = big ]; then   # the filter is built on a thread of its own: wait for it
    local end=$(( $(now_us) + 120000000 ))
    until grep -q "suppression: filter of" "$dir/sluice.log"; do
      [ "$(now_us)" -lt "$end" ] || die "no suppression filter: $(tail -5 "$dir/sluice.log")"; sleep 0.1; done
    log "$(grep "suppression: filter of" "$dir/sluice.log")"
  fi
}

start_postfix() {
  local dir=$1
  command -v postfix >/dev/null || die "postfix not installed"
  PF_DIR=$dir/postfix
  mkdir -p "$PF_DIR/etc" "$PF_DIR/spool" "$PF_DIR/data"
  chown postfix "$PF_DIR/data"
  local plimit=$(( S * 4 > 100 ? S * 4 : 100 ))
  cat > "$PF_DIR/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF_DIR/spool
data_directory = $PF_DIR/data
command_directory = $(postconf -dh command_directory)
daemon_directory = $(postconf -dh daemon_directory)
meta_directory = $(postconf -dh meta_directory)
shlib_directory = $(postconf -dh shlib_directory)
mail_owner = postfix
setgid_group = postdrop
maillog_file = $PF_DIR/maillog
maillog_file_prefixes = $WORK
myhostname = relay.bench.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [$HOST]:$SINK_PORT
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
default_destination_concurrency_limit = 20
smtp_destination_concurrency_limit = 20
default_process_limit = $plimit
EOF
  cat > "$PF_DIR/etc/master.cf" <<EOF
$IN_PORT  inet  n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
EOF
  postfix -c "$PF_DIR/etc" start > "$dir/postfix.log" 2>&1 || die "postfix start failed: $(cat "$dir/postfix.log")"
  wait_listen $IN_PORT 15 || die "postfix not listening"
}

RUN=0
run_one() {
  local relay=$1 target=$IN_PORT
  RUN=$(( RUN + 1 ))
  local dir=$WORK/$RUN-$relay
  mkdir -p "$dir"
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)   # before this run: the machine's other work
  listening $SINK_PORT && die "port $SINK_PORT busy"
  start_sink "$dir"
  case $relay in
    sluice)  start_sluice "$dir" ;;
    sluice-dkim-rsa) start_sluice "$dir" rsa ;;
    sluice-dkim-ed25519) start_sluice "$dir" ed25519 ;;
    sluice-suppress-off) start_sluice "$dir" "" off ;;
    sluice-suppress-big) start_sluice "$dir" "" big ;;
    sluice-reports) start_sluice "$dir" "" "" reports ;;
    postfix) start_postfix "$dir" ;;
    direct)  target=$SINK_PORT ;;
  esac
  local t0; t0=$(now_us)
  smtp-source -s "$S" -m "$N" -l "$SIZE" -f bench@bench.test -t rcpt@example.test $HOST:$target \
    > "$dir/source.out" 2>&1
  local src_rc=$? t_src; t_src=$(now_us)
  local status=ok last=-1 last_change; last_change=$(now_us)
  while [ ! -e "$dir/sink.done" ]; do
    local cnt=0 t; t=$(now_us)
    [ -r "$dir/sink.progress" ] && read -r _ cnt < "$dir/sink.progress"
    [ "$cnt" != "$last" ] && { last=$cnt; last_change=$t; }
    [ $src_rc = 0 ] || { status=inject_failed; break; }
    [ $(( t - last_change )) -gt $(( STALL * 1000000 )) ] && { status=stalled; break; }
    [ $(( t - t0 )) -gt $(( TIMEOUT * 1000000 )) ] && { status=timeout; break; }
    sleep 0.1
  done
  local t_sink=""; [ -e "$dir/sink.done" ] && read -r t_sink _ < "$dir/sink.done"
  # The relay process's CPU time so far (user + system; sluice is one process, Postfix is many: NA).
  local cpu=NA
  if [[ $relay == sluice* ]] && [ -r "/proc/$RELAY_PID/stat" ]; then
    cpu=$(perl -e 'open(my $f, "<", "/proc/$ARGV[0]/stat") or exit; my $s = <$f>; $s =~ s/^.*\) //;
      my @f = split " ", $s; printf "%.2f", ($f[11] + $f[12]) / $ARGV[1]' "$RELAY_PID" "$(getconf CLK_TCK)")
  fi
  stop "$RELAY_PID"; RELAY_PID=""
  [ -n "$PF_DIR" ] && { postfix -c "$PF_DIR/etc" stop >/dev/null 2>&1; PF_DIR=""; }
  sleep 0.5; stop "$SINK_PID"; SINK_PID=""
  for ((i = 0; i < 50; i++)); do alive "$COUNTER_PID" || break; sleep 0.1; done
  local sink_msgs=NA; [ -r "$dir/sink.progress" ] && read -r _ sink_msgs < "$dir/sink.progress"
  local extra=""
  [ "$SINK_DUMP" = 1 ] && extra=" $(dump_check "$dir" "$relay")"
  perl -e 'my ($r, $n, $s, $b, $t0, $ts, $tk, $st, $sm, $x, $l, $c) = @ARGV;
    my $cpu = $c eq "NA" ? "" : sprintf(" relay_cpu_s=%s cpu_us_per_msg=%.0f", $c, $c * 1e6 / $n);
    my $inj = sprintf("%.3f", ($ts - $t0) / 1e6);
    my $tot = $tk ne "" ? sprintf("%.3f", $tk - $t0 / 1e6) : "NA";
    my $rate = $tot ne "NA" && $tot > 0 ? sprintf("%.1f", $n / $tot) : "NA";
    print "relay=$r n=$n sessions=$s size=$b inject_s=$inj total_s=$tot msgs_per_s=$rate sink_msgs=$sm status=$st$cpu$x load_before=\"$l\"\n"' \
    "$relay" "$N" "$S" "$SIZE" "$t0" "$t_src" "$t_sink" "$status" "$sink_msgs" "$extra" "$load" "$cpu" | tee -a "$WORK/results"
  [ "$status" = ok ] || { log "$relay: $status; last lines:"; tail -5 "$dir/source.out" "$dir"/*.log >&2 2>/dev/null; }
}

# With SINK_DUMP=1: how many dumped messages carry a DKIM-Signature field, and dkimpy's verdict on
# the first (for a sluice-dkim-* relay, with its key's record).
dump_check() {
  local dir=$1 relay=$2 files signed first verdict=none
  files=$(find "$dir/dump" -type f | wc -l)
  signed=$(grep -l -i -m1 '^DKIM-Signature:' -r "$dir/dump" | wc -l)
  first=$(grep -l -i -m1 '^DKIM-Signature:' -r "$dir/dump" | head -1)
  case $relay in sluice-dkim-*)
    if [ -n "$first" ] && /usr/bin/python3 -c 'import dkim' 2>/dev/null; then
      verdict=$(/usr/bin/python3 - "$first" "${relay#sluice-dkim-}" "$WORK/dkim/${relay#sluice-dkim-}.pem.txt" \
        "$ROOT/Tests/SluiceDKIMTests/Scripts/dkim_verify.py" <<'PY'
import base64, json, subprocess, sys
message, selector, record, script = sys.argv[1:5]
request = {"records": {f"{selector}._domainkey.bench.test": open(record).read()},
           "messages": [base64.b64encode(open(message, "rb").read()).decode()]}
out = subprocess.run([sys.executable, script], input=json.dumps(request), capture_output=True, text=True).stdout
print("pass" if json.loads(out)["results"] == [[True]] else "fail")
PY
      )
    fi ;;
  esac
  echo "dumped=$files signed=$signed dkimpy=$verdict"
}

for r in $RELAYS; do run_one "$r"; done
perl -ne '
  if (/relay=(\S+) .* msgs_per_s=([\d.]+)/) { $r{$1} = $2; push @{$all{$1}}, $2; push @order, $1 unless $seen{$1}++;
    push @{$cpu{$1}}, $1 if /cpu_us_per_msg=(\d+)/ }
  END {
    printf "ratio sluice/postfix = %.2f\n", $r{sluice} / $r{postfix} if $r{sluice} && $r{postfix};
    my %mean;
    for my $name (@order) { my @v = @{$all{$name}}; my $s = 0; $s += $_ for @v; $mean{$name} = $s / @v;
      my @c = @{$cpu{$name} || []}; my $cs = 0; $cs += $_ for @c;
      printf "mean relay=%s runs=%d msgs_per_s=%.1f (%s)%s\n", $name, scalar @v, $mean{$name}, join(" ", @v),
        @c ? sprintf(" cpu_us_per_msg=%.0f", $cs / @c) : "" if @v > 1 }
    if ($mean{"sluice-suppress-big"} && $mean{"sluice-suppress-off"}) {
      my $slower = 100 * (1 - $mean{"sluice-suppress-big"} / $mean{"sluice-suppress-off"});
      printf "suppression sluice-suppress-big/sluice-suppress-off = %.3f (%.1f %% %s)\n",
        $mean{"sluice-suppress-big"} / $mean{"sluice-suppress-off"}, abs($slower), $slower >= 0 ? "slower" : "faster" }
    if ($mean{"sluice-reports"} && $mean{sluice}) {
      my $slower = 100 * (1 - $mean{"sluice-reports"} / $mean{sluice});
      printf "reports sluice-reports/sluice = %.3f (%.1f %% %s)\n", $mean{"sluice-reports"} / $mean{sluice}, abs($slower),
        $slower >= 0 ? "slower" : "faster" }
    for my $name (grep { /^sluice-dkim-/ } @order) {
      next unless $mean{sluice};
      my $slower = 100 * (1 - $mean{$name} / $mean{sluice});
      printf "signing %s/sluice = %.3f (%.1f %% %s)\n", $name, $mean{$name} / $mean{sluice}, abs($slower),
        $slower >= 0 ? "slower" : "faster" }
  }' "$WORK/results"
