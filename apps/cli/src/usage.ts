export const USAGE = `usage:
  scaleproof run --profile cache|jobs|memory|full|load [--quick] [--duration 10m|90s|1h|MINUTES]
                 [--symbol ES] [--tf 1m|5m] [--ranges START/END[,START/END...]]
                 [--concurrency N] [--jobs N] [--no-crash] [--stall]
                 [--restarts redis,postgres]   (only where the platform may restart them)
                 [--levels 5,10,25,50] [--level-duration 3m] [--cooldown 30s]
                 [--achieved 96,95,92,90] [--p95 50,75,150,300] [--error-pass 0.1] [--error-fail 1]
                 [--baseline 1] [--baseline-duration 1m] [--baseline-p95 50]
                 [--sustained 10] [--sustained-duration 15m] [--sustained-p95 100]
                 [--find-capacity] [--capacity-start R] [--capacity-max R] [--runner-lag MS]
                 [--mix CACHED:NEW:BACKTESTS]
                 [--threshold METRIC=EXPR ...] [--config FILE] [--allow-risk]
                 [--json FILE|-] [--junit FILE] [--summary FILE]
  scaleproof status
  scaleproof results RUN_ID [--json FILE|-] [--junit FILE] [--summary FILE] [--allow-risk]
  scaleproof list [--limit N] [--profile P] [--status queued|running|passed|failed|aborted]
  scaleproof cancel RUN_ID
  scaleproof export RUN_ID [--json FILE|-]          (default: stdout)
  scaleproof thresholds        every gate as a k6 threshold metric: seed default, unit, judge
  scaleproof judge FILE        re-judge an export from its evidence: 0 agrees, 1 not, 2 not an export
  scaleproof fault list | set NAME [--instance ID] | clear [NAME]   (needs FAULTS_ENABLED)
  scaleproof calibrate [--quick] [--cases ID,ID] [--json FILE|-]
                 every profile against the defects it exists to catch, planted through
                 fault switches, plus healthy controls: 0 only when every defect FAILed
                 and every control PASSed (needs FAULTS_ENABLED)

every command takes:
  --target URL  the deployment (default $SCALEPROOF_URL or http://127.0.0.1:8080)
  --token T     admin token (default $SCALEPROOF_TOKEN, $ADMIN_TOKEN, or .scaleproof/admin-token)

run: Ctrl-C cancels the run it started (a second Ctrl-C leaves at once); --duration-min N
  still works; --ranges are ISO instants with an offset (2013-10-07T14:00:00Z/2013-10-07T15:00:00Z);
  with --json - the export goes to stdout and everything else to stderr; the Markdown
  summary is also appended to $GITHUB_STEP_SUMMARY when it is set. load: rates in req/s, gates
  one value for every level or one per level, seed defaults for what is left out.
  thresholds in k6's syntax: --threshold 'cache.hit_rate=rate>=0.95' (repeatable) and/or
  --config FILE, a JSON {"thresholds": {"memory.latency_ms": ["p(95)<300"]}}; the flag wins
  for its metric, and a threshold wins over the same gate's --p95/--error-fail.
exit codes: 0 PASS, 1 FAIL, 2 error (bad arguments, unreachable, refused, aborted, Ctrl-C),
  3 RISK (no check failed, one is between its PASS and FAIL lines; 0 with --allow-risk)`;
